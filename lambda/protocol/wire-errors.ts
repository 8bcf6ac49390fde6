import type { SqsErrorCode } from '../engine/errors.js';

/** Who SQS blames for an error: the `<Type>` in Query and the suffix of `x-amzn-query-error`. */
export type ErrorFault = 'Sender' | 'Receiver';

/** How one error code looks on the wire, in both protocols. */
export interface WireError {
  readonly status: number;
  /** The legacy Query code: `<Code>` in XML and the first half of `x-amzn-query-error` in JSON. */
  readonly queryCode: string;
  /** The JSON `__type`, `namespace#Shape`; SDKs name the exception after the part behind `#`. */
  readonly jsonType: string;
  /** @default 'Sender' */
  readonly fault?: ErrorFault;
  /** Query's own wording where it differs from JSON's. @default - the error's message in both */
  readonly queryMessage?: string;
}

const SQS_NAMESPACE = 'com.amazonaws.sqs';
const CORAL_NAMESPACE = 'com.amazon.coral.service';

/** An error shape in the SQS model; `@aws-sdk/client-sqs` maps its Query code back to the shape name. */
function modeled(shape: string, status: number, queryCode: string = shape): WireError {
  return { status, queryCode, jsonType: `${SQS_NAMESPACE}#${shape}` };
}

/** An error the AWS service framework (Coral) raises itself; not in the SQS model. */
function common(shape: string, status: number, queryCode: string): WireError {
  return { status, queryCode, jsonType: `${CORAL_NAMESPACE}#${shape}` };
}

/**
 * Every error code's status, JSON type and Query code: a Record, so a new code without a row does not compile.
 * Modeled rows follow the `awsQueryError` traits of `@aws-sdk/client-sqs` and the legacy Query model; common
 * rows follow the `__type` values and `x-amzn-query-error` codes AWS answers with for errors outside the model.
 * The signature errors' statuses are the AWS Common Errors reference's; their Coral shapes (and AccessDenied's
 * 403) match recorded SQS JSON answers. SDKs name these exceptions after the Query code, which
 * `x-amzn-query-error` carries.
 */
const WIRE_ERRORS: Readonly<Record<SqsErrorCode, WireError>> = {
  AccessDenied: common('AccessDeniedException', 403, 'AccessDenied'),
  BatchEntryIdsNotDistinct: modeled(
    'BatchEntryIdsNotDistinct',
    400,
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  ),
  BatchRequestTooLong: modeled('BatchRequestTooLong', 400, 'AWS.SimpleQueueService.BatchRequestTooLong'),
  EmptyBatchRequest: modeled('EmptyBatchRequest', 400, 'AWS.SimpleQueueService.EmptyBatchRequest'),
  IncompleteSignature: common('IncompleteSignatureException', 400, 'IncompleteSignature'),
  InternalError: { ...common('InternalFailure', 500, 'InternalError'), fault: 'Receiver' },
  InvalidAction: common('UnknownOperationException', 400, 'InvalidAction'),
  InvalidAddress: modeled('InvalidAddress', 404),
  InvalidAttributeName: modeled('InvalidAttributeName', 400),
  InvalidAttributeValue: modeled('InvalidAttributeValue', 400),
  InvalidBatchEntryId: modeled('InvalidBatchEntryId', 400, 'AWS.SimpleQueueService.InvalidBatchEntryId'),
  InvalidClientTokenId: common('UnrecognizedClientException', 403, 'InvalidClientTokenId'),
  InvalidIdFormat: modeled('InvalidIdFormat', 400),
  InvalidMessageContents: modeled('InvalidMessageContents', 400),
  InvalidParameterValue: common('InvalidParameterValueException', 400, 'InvalidParameterValue'),
  InvalidSecurity: modeled('InvalidSecurity', 403),
  MalformedRequest: common('SerializationException', 400, 'MalformedInput'),
  MessageNotInflight: modeled('MessageNotInflight', 400, 'AWS.SimpleQueueService.MessageNotInflight'),
  MissingAction: common('UnknownOperationException', 400, 'MissingAction'),
  MissingAuthenticationToken: common(
    'MissingAuthenticationTokenException',
    403,
    'MissingAuthenticationToken',
  ),
  MissingParameter: common('MissingRequiredParameterException', 400, 'MissingParameter'),
  OverLimit: modeled('OverLimit', 403),
  PurgeQueueInProgress: modeled('PurgeQueueInProgress', 403, 'AWS.SimpleQueueService.PurgeQueueInProgress'),
  QueueDeletedRecently: modeled('QueueDeletedRecently', 400, 'AWS.SimpleQueueService.QueueDeletedRecently'),
  QueueDoesNotExist: {
    ...modeled('QueueDoesNotExist', 400, 'AWS.SimpleQueueService.NonExistentQueue'),
    queryMessage: 'The specified queue does not exist for this wsdl version.',
  },
  QueueNameExists: modeled('QueueNameExists', 400, 'QueueAlreadyExists'),
  ReceiptHandleIsInvalid: modeled('ReceiptHandleIsInvalid', 404),
  // Coral raises a signature outside its time window as InvalidSignatureException ("Signature expired: ...").
  RequestExpired: common('InvalidSignatureException', 400, 'RequestExpired'),
  RequestThrottled: modeled('RequestThrottled', 403),
  ResourceNotFoundException: modeled('ResourceNotFoundException', 404),
  // Storage unavailable or too slow for the request's deadline: every SDK retries a 503.
  ServiceUnavailable: {
    ...common('ServiceUnavailableException', 503, 'ServiceUnavailable'),
    fault: 'Receiver',
  },
  SignatureDoesNotMatch: common('InvalidSignatureException', 403, 'SignatureDoesNotMatch'),
  TooManyEntriesInBatchRequest: modeled(
    'TooManyEntriesInBatchRequest',
    400,
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  ),
  UnsupportedOperation: modeled('UnsupportedOperation', 400, 'AWS.SimpleQueueService.UnsupportedOperation'),
};

/** The wire form of an error code. */
export function wireError(code: SqsErrorCode): WireError {
  return WIRE_ERRORS[code];
}

/**
 * Every error the service can answer with, named by SQS's own JSON error shape (the `__type` suffix); the
 * signature errors of lambda/auth are named by the code AWS gives them on both wires (`SignatureDoesNotMatch`).
 * Only `protocol/wire-errors.ts` knows their HTTP statuses and legacy Query codes.
 */
export const SQS_ERROR_CODES = [
  'AccessDenied',
  'BatchEntryIdsNotDistinct',
  'BatchRequestTooLong',
  'EmptyBatchRequest',
  'IncompleteSignature',
  'InternalError',
  'InvalidAction',
  'InvalidAddress',
  'InvalidAttributeName',
  'InvalidAttributeValue',
  'InvalidBatchEntryId',
  'InvalidClientTokenId',
  'InvalidIdFormat',
  'InvalidMessageContents',
  'InvalidParameterValue',
  'InvalidSecurity',
  'MalformedRequest',
  'MessageNotInflight',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'OverLimit',
  'PurgeQueueInProgress',
  'QueueDeletedRecently',
  'QueueDoesNotExist',
  'QueueNameExists',
  'ReceiptHandleIsInvalid',
  'RequestExpired',
  'RequestThrottled',
  'ResourceNotFoundException',
  'ServiceUnavailable',
  'SignatureDoesNotMatch',
  'TooManyEntriesInBatchRequest',
  'UnsupportedOperation',
] as const;

export type SqsErrorCode = (typeof SQS_ERROR_CODES)[number];

/** An error a client is meant to see: SQS's code and a message in SQS's phrasing. */
export class SqsError extends Error {
  constructor(
    readonly code: SqsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = code;
  }
}

export class QueueDoesNotExist extends SqsError {
  constructor() {
    super('QueueDoesNotExist', 'The specified queue does not exist.');
  }
}

export class InvalidParameterValue extends SqsError {
  constructor(message: string) {
    super('InvalidParameterValue', message);
  }
}

export class MissingParameter extends SqsError {
  constructor(parameter: string) {
    super('MissingParameter', `The request must contain the parameter ${parameter}.`);
  }
}

export class InvalidAttributeName extends SqsError {
  constructor(message: string) {
    super('InvalidAttributeName', message);
  }
}

export class InvalidAttributeValue extends SqsError {
  constructor(message: string) {
    super('InvalidAttributeValue', message);
  }
}

export class ReceiptHandleIsInvalid extends SqsError {
  constructor(receiptHandle: string) {
    super(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${echoed(receiptHandle)}" is not a valid receipt handle.`,
    );
  }
}

export class UnsupportedOperation extends SqsError {
  constructor(message: string) {
    super('UnsupportedOperation', message);
  }
}

/** SQS's phrasing for a parameter whose value breaks a rule: `Value x for parameter P is invalid. Reason: ...` */
export function invalidParameter(parameter: string, value: unknown, reason: string): InvalidParameterValue {
  return new InvalidParameterValue(
    `Value ${echoed(String(value))} for parameter ${parameter} is invalid. Reason: ${reason}`,
  );
}

/** The longest client value an error message repeats; a longer one is cut, so a 2 MiB name is not sent back. */
const MAX_ECHOED_LENGTH = 2_048;

/** A client's value as an error message repeats it: cut to 2,048 characters. */
export function echoed(value: string): string {
  return value.length > MAX_ECHOED_LENGTH ? `${value.slice(0, MAX_ECHOED_LENGTH)}...` : value;
}

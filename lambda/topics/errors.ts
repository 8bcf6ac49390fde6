import { SqsError } from '../engine/errors.js';

/**
 * Every error the SNS API answers with, by its Query `<Code>`. Only `protocol/sns/wire.ts` knows their HTTP
 * statuses; the engine throws them with SNS's own wording.
 */
export const SNS_ERROR_CODES = [
  'AuthorizationError',
  'BatchEntryIdsNotDistinct',
  'BatchRequestTooLong',
  'EmptyBatchRequest',
  'FilterPolicyLimitExceeded',
  'IncompleteSignature',
  'InternalError',
  'InvalidAction',
  'InvalidBatchEntryId',
  'InvalidClientTokenId',
  'InvalidParameter',
  'MissingAuthenticationToken',
  'NotFound',
  'ParameterValueInvalid',
  'RequestExpired',
  'ResourceNotFound',
  'ServiceUnavailable',
  'SignatureDoesNotMatch',
  'SubscriptionLimitExceeded',
  'TagLimitExceeded',
  'Throttled',
  'TooManyEntriesInBatchRequest',
  'ValidationError',
] as const;

export type SnsErrorCode = (typeof SNS_ERROR_CODES)[number];

/** An error an SNS client is meant to see: SNS's code and a message in SNS's phrasing. */
export class SnsError extends Error {
  constructor(
    readonly code: SnsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = code;
  }
}

/** `InvalidParameter` with SNS's prefix: `Invalid parameter: {detail}`. */
export function invalidParameter(detail: string): SnsError {
  return new SnsError('InvalidParameter', `Invalid parameter: ${detail}`);
}

/** A required member that was not sent, worded as SNS's request validation words it. */
export function missingMember(memberPath: string): SnsError {
  return new SnsError(
    'ValidationError',
    `1 validation error detected: Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`,
  );
}

export function topicNotFound(): SnsError {
  return new SnsError('NotFound', 'Topic does not exist');
}

export function subscriptionNotFound(): SnsError {
  return new SnsError('NotFound', 'Subscription does not exist');
}

/**
 * The SNS error a storage failure becomes: the shared DynamoDB layer throws SQS's ServiceUnavailable and
 * RequestThrottled, which SNS clients know as ServiceUnavailable (503) and Throttled (429). Undefined for anything
 * that is not an error a client is meant to see.
 */
export function snsErrorOf(error: unknown): SnsError | undefined {
  if (error instanceof SnsError) return error;
  if (error instanceof SqsError) {
    if (error.code === 'ServiceUnavailable')
      return new SnsError('ServiceUnavailable', error.message, { cause: error });
    if (error.code === 'RequestThrottled')
      return new SnsError('Throttled', 'Rate exceeded', { cause: error });
  }
  return undefined;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { HttpResponse } from '../protocol/http.js';

/**
 * The fields of a request's log line. Only identifiers and outcomes: never a message body, a receipt handle,
 * a signature or a secret (the summary the handler gives carries none of them).
 */
export interface RequestLogFields {
  /** The Lambda invocation's request id. @default - absent outside Lambda */
  readonly lambdaRequestId?: string;
  /** The `x-amzn-RequestId` the client was given. */
  readonly requestId?: string;
  readonly action?: string;
  readonly queueName?: string;
  readonly accessKeyId?: string;
  /** HTTP status answered. */
  readonly status: number;
  /** The SQS error code answered; absent on success. */
  readonly errorCode?: string;
  /** From the event's arrival to the answer, ms. */
  readonly latencyMs: number;
}

/** What one request's line says, from the handler's summary of it. */
export function requestLogFields(
  response: HttpResponse,
  latencyMs: number,
  lambdaRequestId: string | undefined,
): RequestLogFields {
  const summary = response.summary;
  return {
    ...(lambdaRequestId !== undefined ? { lambdaRequestId } : {}),
    ...(summary?.requestId !== undefined ? { requestId: summary.requestId } : {}),
    ...(summary?.action !== undefined ? { action: summary.action } : {}),
    ...(summary?.queueName !== undefined ? { queueName: summary.queueName } : {}),
    ...(summary?.accessKeyId !== undefined ? { accessKeyId: summary.accessKeyId } : {}),
    status: response.status,
    ...(summary?.errorCode !== undefined ? { errorCode: summary.errorCode } : {}),
    latencyMs,
  };
}

/**
 * Writes one JSON line per request: INFO for answers the client caused or got (2xx, 4xx), ERROR for a 5xx, with
 * the error behind it when the handler kept one.
 */
export function logRequest(
  logger: Logger,
  response: HttpResponse,
  latencyMs: number,
  lambdaRequestId: string | undefined,
): void {
  const fields = requestLogFields(response, latencyMs, lambdaRequestId);
  if (response.status < 500) {
    logger.info('request', { ...fields });
    return;
  }
  const cause = response.summary?.cause;
  logger.error('request', { ...fields, ...(cause !== undefined ? { error: cause } : {}) });
}

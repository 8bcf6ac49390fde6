import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import { Attempts, classifyFailure, RETRY } from '../../lambda/storage/dynamo/retry-policy.js';

/** An error shaped as the AWS SDK v3 throws them: a name, and the HTTP status when there was an answer. */
function sdkError(name: string, status?: number, code?: string): Error {
  return Object.assign(new Error(name), {
    name,
    ...(code ? { code } : {}),
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });
}

describe('classifyFailure', () => {
  it.each([
    ['ConditionalCheckFailedException', 400, 'condition'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['ThrottlingException', 400, 'throttled'],
    ['RequestLimitExceeded', 400, 'throttled'],
    ['TransactionInProgressException', 400, 'throttled'],
    ['TransactionConflictException', 400, 'conflict'],
    ['InternalServerError', 500, 'unknown'],
    ['ServiceUnavailable', 503, 'unknown'],
    ['TimeoutError', undefined, 'unknown'],
    ['ValidationException', 400, 'fatal'],
  ] as const)('reads %s (%s) as %s', (name, status, kind) => {
    expect(classifyFailure(sdkError(name, status))).toBe(kind);
  });

  it('reads a connection reset or a socket that hung up as unknown: the write may have been applied', () => {
    expect(classifyFailure(sdkError('Error', undefined, 'ECONNRESET'))).toBe('unknown');
    expect(classifyFailure(new Error('socket hang up'))).toBe('unknown');
  });

  it("reads any failure as aborted once the request's deadline has passed", () => {
    const deadline = new AbortController();
    deadline.abort();

    expect(classifyFailure(sdkError('InternalServerError', 500), deadline.signal)).toBe('aborted');
  });
});

describe('Attempts', () => {
  it('gives throttling its attempts, then answers RequestThrottled', async () => {
    const attempts = new Attempts(undefined);
    const throttled = sdkError('ProvisionedThroughputExceededException', 400);

    for (let i = 1; i < RETRY.refusedAttempts; i++) await attempts.retryAfter(throttled);
    const last = await attempts.retryAfter(throttled).catch((error: unknown) => error);

    expect(last).toBeInstanceOf(SqsError);
    expect((last as SqsError).code).toBe('RequestThrottled');
    expect(attempts.hadUnknown).toBe(false);
  });

  it('gives 5xx and resets fewer attempts, then answers ServiceUnavailable, and remembers a lost answer', async () => {
    const attempts = new Attempts(undefined);
    const failed = sdkError('InternalServerError', 500);

    for (let i = 1; i < RETRY.unknownAttempts; i++) await attempts.retryAfter(failed);
    const last = await attempts.retryAfter(failed).catch((error: unknown) => error);

    expect((last as SqsError).code).toBe('ServiceUnavailable');
    expect(attempts.hadUnknown).toBe(true);
  });

  it('does not retry a request DynamoDB rejects as invalid: the error itself goes on, to be logged', async () => {
    const invalid = sdkError('ValidationException', 400);

    await expect(new Attempts(undefined).retryAfter(invalid)).rejects.toBe(invalid);
  });

  it('stops waiting and answers ServiceUnavailable when the deadline passes during a backoff', async () => {
    const deadline = new AbortController();
    const attempts = new Attempts(deadline.signal);
    await attempts.retryAfter(sdkError('ThrottlingException', 400));
    deadline.abort();

    const after = await attempts.retryAfter(sdkError('ThrottlingException', 400)).catch((e: unknown) => e);

    expect((after as SqsError).code).toBe('ServiceUnavailable');
  });
});

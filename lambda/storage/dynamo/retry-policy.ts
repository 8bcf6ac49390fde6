import { SqsError } from '../../engine/errors.js';

/**
 * What a failed DynamoDB call tells its caller about the write it carried:
 * - `condition`: the condition was false; nothing was written by this attempt;
 * - `throttled` and `conflict`: refused before anything was applied (throughput, or an item held by a
 *   transaction), so a retry is safe for any call;
 * - `unknown`: a 5xx, a reset or a timeout; the write may or may not have been applied;
 * - `aborted`: the request's deadline passed (or its client went away); may or may not have been applied;
 * - `fatal`: a request DynamoDB rejects as such (ValidationException and the like), retrying cannot help.
 */
export type FailureKind = 'condition' | 'throttled' | 'conflict' | 'unknown' | 'aborted' | 'fatal';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  // The same ClientRequestToken is still running: wait and ask again.
  'TransactionInProgressException',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** How the SDK's error for one call is to be read; `aborted` when the caller's signal fired. */
export function classifyFailure(error: unknown, signal?: AbortSignal): FailureKind {
  if (signal?.aborted) return 'aborted';
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const name = e?.name ?? '';
  if (name === 'ConditionalCheckFailedException') return 'condition';
  if (THROTTLING.has(name)) return 'throttled';
  if (name === 'TransactionConflictException') return 'conflict';
  if (name === 'AbortError') return 'aborted';
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return 'unknown';
  if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException')
    return 'unknown';
  if (e?.code !== undefined && NETWORK_CODES.has(e.code)) return 'unknown';
  // A connection that closed before any answer: the SDK surfaces it without an HTTP status.
  if (status === undefined && /socket hang up|ECONNRESET|EPIPE|timed? ?out/i.test(String(error)))
    return 'unknown';
  return 'fatal';
}

/**
 * Attempts per DynamoDB call, the SDK's own retries being off (`maxAttempts: 1`) so that every retry is
 * decided here, where it is known whether the call was a read, an idempotent write or a conditional write
 * whose retry could "lie" (docs/design.md, "Faults"). Throttling gets more attempts and longer waits than
 * 5xx and resets, as the SDK's standard mode does.
 */
export const RETRY = {
  /** 5xx, resets, timeouts. */
  unknownAttempts: 4,
  /** Throttling and transaction conflicts: refused before anything was applied. */
  refusedAttempts: 8,
  baseDelayMs: 25,
  maxDelayMs: 1_000,
} as const;

/** Full-jitter exponential backoff for the `attempt`th retry (1-based). */
export function backoffMs(attempt: number): number {
  const cap = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** attempt);
  return Math.floor(Math.random() * cap) + 1;
}

/**
 * One call's retry budget: each failure is counted against the attempts of its kind, then waited out with
 * backoff; a failure that may not be retried, or that spends the budget, is thrown as the client's SQS error.
 */
export class Attempts {
  private refused = 0;
  private unknown = 0;

  constructor(private readonly signal: AbortSignal | undefined) {}

  /** Whether an attempt failed without an answer, so a later failed condition may follow its own success. */
  get hadUnknown(): boolean {
    return this.unknown > 0;
  }

  /** Waits before the next attempt after `error`, or throws. */
  async retryAfter(error: unknown): Promise<void> {
    const kind = classifyFailure(error, this.signal);
    if (kind === 'throttled' || kind === 'conflict') await this.refusedOnce(kind, error);
    else if (kind === 'unknown') {
      if (++this.unknown >= RETRY.unknownAttempts) throw exhausted(kind, error);
      await sleepUnless(backoffMs(this.unknown), this.signal);
    } else throw exhausted(kind, error);
  }

  /** Waits before resending what DynamoDB refused (throttled items, a busy transaction), or throws. */
  async refusedOnce(kind: 'throttled' | 'conflict' = 'throttled', cause?: unknown): Promise<void> {
    if (++this.refused >= RETRY.refusedAttempts) throw exhausted(kind, cause);
    await sleepUnless(backoffMs(this.refused), this.signal);
  }
}

/** Sleeps, or rejects as soon as `signal` aborts. */
export function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(storageUnavailable());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(storageUnavailable());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throttled for longer than its retries: SQS's own throttling error, which every SQS SDK retries with backoff. */
export function storageThrottled(cause?: unknown): SqsError {
  return new SqsError('RequestThrottled', 'Request is throttled.', { cause });
}

/** Storage failing, or too slow for the request's deadline: a 503 every SQS SDK retries. */
export function storageUnavailable(cause?: unknown): SqsError {
  return new SqsError(
    'ServiceUnavailable',
    'The request has failed due to a temporary failure of the server.',
    { cause },
  );
}

/** The SQS error a client sees once a call has used up its attempts with this kind of failure. */
export function exhausted(kind: FailureKind, cause: unknown): unknown {
  if (kind === 'throttled' || kind === 'conflict') return storageThrottled(cause);
  if (kind === 'unknown' || kind === 'aborted') return storageUnavailable(cause);
  return cause;
}

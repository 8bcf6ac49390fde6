/**
 * The dispatcher's ports: how it invokes a function and how it shares `maxConcurrency` with other dispatchers.
 * Locally the function is a module in this process and the slots live in memory; on AWS the function is
 * invoked through the Lambda API and the slots are leases in DynamoDB.
 */
import type { SqsEvent } from './sqs-event.js';

/** What an invocation came to, as the function's runtime reports it. */
export type InvokeResult =
  /** The handler returned (or called back) without error; `payload` is what it returned. */
  | { readonly kind: 'returned'; readonly payload: unknown }
  /** The handler threw, rejected, called back with an error, or its runtime failed (a timeout included). */
  | { readonly kind: 'failed'; readonly error: InvokeError };

export interface InvokeError {
  /** @default - none: the runtime gave no name */
  readonly name?: string;
  readonly message: string;
  /** @default - none */
  readonly stack?: string;
}

/** What an invocation is told: when its time runs out (epoch ms), as `context.getRemainingTimeInMillis`. */
export interface InvokeContext {
  readonly deadlineMs: number;
}

/**
 * Invokes the consumer's function synchronously with one batch. It must settle: the dispatcher stops waiting
 * at `deadlineMs` (the outcome is a timeout) but keeps the batch's messages hidden until the promise settles,
 * so it must not hang forever.
 */
export type Invoker = (event: SqsEvent, context: InvokeContext) => Promise<InvokeResult>;

/**
 * A consumer's concurrency: at most `maxConcurrency` pollers (each running one invocation at a time) across
 * every process that dispatches for it. A wake that finds every slot taken is remembered, and the next holder
 * to release learns of it and polls again: no wake is lost between a holder's last empty receive and its
 * release.
 */
export interface ConcurrencySlots {
  /**
   * Takes a slot of consumer `consumerId` when fewer than `maxConcurrency` are held; otherwise records a wake
   * for the holders and returns `undefined`.
   */
  acquire(consumerId: string, maxConcurrency: number): Promise<ConcurrencySlot | undefined>;
}

/** A held slot. */
export interface ConcurrencySlot {
  /**
   * Gives the slot back. `wokenMeanwhile` is true when a wake was recorded since this slot was acquired (or
   * since its holder last looked): the holder should acquire again and poll once more.
   */
  release(): Promise<{ readonly wokenMeanwhile: boolean }>;
}

/** How an invocation ended, for logs and metrics. */
export type InvocationOutcome =
  /** The handler returned; every record was deleted. */
  | 'success'
  /** The handler returned `batchItemFailures`: the listed records (and, in FIFO, their groups' later ones) stay. */
  | 'partial'
  /** The handler threw: the whole batch stays. */
  | 'error'
  /** The handler ran past its deadline: the whole batch stays. */
  | 'timeout'
  /** `reportBatchItemFailures` is on and the answer was not a valid SQSBatchResponse: the whole batch stays. */
  | 'invalid-response'
  /** The answer came after the messages' visibility timeout: nothing was deleted, they may be another's now. */
  | 'late';

/** One invocation, reported when it is settled. */
export interface InvocationReport {
  readonly consumerId: string;
  readonly queueName: string;
  /** Records in the event. */
  readonly records: number;
  readonly outcome: InvocationOutcome;
  /** From the call to the invoker until it answered (or the deadline passed). */
  readonly durationMs: number;
  /** How long the oldest record had been in the queue when the function was invoked (now - SentTimestamp). */
  readonly oldestRecordAgeMs: number;
  /** Records deleted after the invocation. */
  readonly deleted: number;
  /** Records that stay in the queue and come back after their visibility timeout. */
  readonly kept: number;
  /** The message ids of the kept records: failed ones, and any whose delete failed or came too late. */
  readonly keptMessageIds: readonly string[];
  /** When the kept records become visible again (epoch ms); absent when none were kept. */
  readonly retryAtMs?: number;
  /** The handler's error, for an `error` or `timeout` outcome. @default - absent */
  readonly error?: InvokeError;
  /** For `invalid-response`: what was wrong with the answer. @default - absent */
  readonly invalidResponse?: string;
}

/** Records that matched no filter and were deleted without an invocation. */
export interface FilteredReport {
  readonly consumerId: string;
  readonly queueName: string;
  readonly records: number;
}

/** What a dispatcher tells its host as it works; every callback is optional and must not throw. */
export interface DispatcherListener {
  onInvocation?(report: InvocationReport): void;
  onFiltered?(report: FilteredReport): void;
  /** A receive, delete or visibility change failed; the dispatcher carries on (the messages come back). */
  onError?(error: unknown, during: 'receive' | 'delete' | 'change-visibility' | 'queue-attributes'): void;
}

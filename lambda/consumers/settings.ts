/**
 * The settings of a consumer (Lambda's "event source mapping" for an SQS queue) and the one place they are
 * checked, with Lambda's ranges and in the words of its errors. The CDK construct and the local queues file
 * both call `validateConsumerSettings`; nothing here may import Node-only modules.
 */
import { filterProblems } from './filters.js';

/** Lambda's default: 10 records per invocation. */
export const DEFAULT_BATCH_SIZE = 10;
/** The most records per invocation from a FIFO queue. */
export const MAX_FIFO_BATCH_SIZE = 10;
/** The most records per invocation from a Standard queue (over 10 needs a batching window). */
export const MAX_STANDARD_BATCH_SIZE = 10_000;
/** The longest batching window Lambda allows. */
export const MAX_BATCHING_WINDOW_SECONDS = 300;
/** `ScalingConfig.MaximumConcurrency` is 2 to 1,000. */
export const MIN_MAX_CONCURRENCY = 2;
export const MAX_MAX_CONCURRENCY = 1_000;
/** `FilterCriteria` holds at most 5 patterns per event source mapping. */
export const MAX_FILTERS = 5;
/** Lambda's synchronous invocation payload limit, which caps a batch's size. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** Lambda's default function timeout (3 s); local consumers use it when `timeoutSeconds` is absent. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
/** Lambda's longest function timeout (15 minutes). */
export const MAX_TIMEOUT_SECONDS = 900;
/**
 * Without a `maxConcurrency`, Lambda scales SQS pollers up to 1,250 concurrent invocations (bounded by the
 * account's concurrency); locally and in the dispatcher that is the bound.
 */
export const DEFAULT_MAX_CONCURRENCY = 1_250;

/** What a consumer does, whatever hosts it: the settings of one SQS event source mapping. */
export interface ConsumerSettings {
  /** The queue the consumer reads. */
  readonly queueName: string;
  /** Most records per invocation: 1-10 for FIFO, 1-10,000 for Standard. */
  readonly batchSize: number;
  /** How long to gather records before invoking with a batch smaller than `batchSize`: 0 to 300,000 ms. */
  readonly maxBatchingWindowMs: number;
  /** The handler may answer `{ batchItemFailures: [{ itemIdentifier }] }` to keep only those records. */
  readonly reportBatchItemFailures: boolean;
  /** Most concurrent invocations for this consumer: 2 to 1,000, or `DEFAULT_MAX_CONCURRENCY`. */
  readonly maxConcurrency: number;
  /**
   * EventBridge-style patterns (as JSON text or objects) on a record's body and attributes; a record matching
   * none is deleted without an invocation. Empty: every record is delivered.
   */
  readonly filters: readonly unknown[];
  /** A disabled consumer keeps its settings and invokes nothing. */
  readonly enabled: boolean;
  /**
   * How long an invocation may run, as the function's timeout. @default - no deadline from the consumer:
   *   the host's own (Lambda's function timeout) applies
   */
  readonly timeoutMs?: number;
}

/** Settings as a user gives them: everything but the queue may be left out. */
export interface ConsumerSettingsInput {
  readonly queueName: string;
  /** @default 10 */
  readonly batchSize?: number;
  /** @default 0 - invoke as soon as a receive returns records */
  readonly maxBatchingWindowMs?: number;
  /** @default false - an error keeps the whole batch */
  readonly reportBatchItemFailures?: boolean;
  /** @default - `DEFAULT_MAX_CONCURRENCY` */
  readonly maxConcurrency?: number;
  /** @default - no filters: every record is delivered */
  readonly filters?: readonly unknown[];
  /** @default true */
  readonly enabled?: boolean;
  /** @default - the host's own deadline */
  readonly timeoutMs?: number;
}

/** One thing wrong with consumer settings: the setting, as the caller names it, and what is wrong. */
export interface ConsumerSettingsIssue {
  readonly setting: 'batchSize' | 'maxBatchingWindow' | 'maxConcurrency' | 'filters' | 'timeout' | 'queue';
  readonly problem: string;
}

/**
 * Checks consumer settings against Lambda's limits for an SQS event source mapping and returns them with
 * defaults filled in, or every problem found. `fifo` is whether the queue is a FIFO queue.
 */
export function validateConsumerSettings(
  input: ConsumerSettingsInput,
  fifo: boolean,
): { readonly settings: ConsumerSettings } | { readonly issues: readonly ConsumerSettingsIssue[] } {
  const issues: ConsumerSettingsIssue[] = [];
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const windowMs = input.maxBatchingWindowMs ?? 0;
  if (typeof input.queueName !== 'string' || input.queueName === '') {
    issues.push({ setting: 'queue', problem: 'must name a queue' });
  }
  if (!isWhole(windowMs) || windowMs < 0 || windowMs > MAX_BATCHING_WINDOW_SECONDS * 1000) {
    issues.push({
      setting: 'maxBatchingWindow',
      problem: `Maximum batching window must be ${MAX_BATCHING_WINDOW_SECONDS} seconds or less (given ${show(windowMs / 1000)} seconds)`,
    });
  } else if (fifo && windowMs > 0) {
    issues.push({
      setting: 'maxBatchingWindow',
      problem: 'Batching window is not supported for FIFO queues',
    });
  }
  const maxBatchSize = fifo ? MAX_FIFO_BATCH_SIZE : MAX_STANDARD_BATCH_SIZE;
  if (!isWhole(batchSize) || batchSize < 1 || batchSize > maxBatchSize) {
    issues.push({
      setting: 'batchSize',
      problem: `Maximum batch size must be between 1 and ${maxBatchSize} inclusive for a ${fifo ? 'FIFO' : 'Standard'} queue (given ${show(batchSize)})`,
    });
  } else if (batchSize > 10 && windowMs < 1000) {
    issues.push({
      setting: 'batchSize',
      problem: `Maximum batch size must be between 1 and 10 inclusive (given ${batchSize}) when the batching window is under 1 second`,
    });
  }
  const maxConcurrency = input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  if (
    input.maxConcurrency !== undefined &&
    (!isWhole(maxConcurrency) || maxConcurrency < MIN_MAX_CONCURRENCY || maxConcurrency > MAX_MAX_CONCURRENCY)
  ) {
    issues.push({
      setting: 'maxConcurrency',
      problem: `maxConcurrency must be between ${MIN_MAX_CONCURRENCY} and ${MAX_MAX_CONCURRENCY} concurrent instances (given ${show(maxConcurrency)})`,
    });
  }
  const filters = input.filters ?? [];
  if (!Array.isArray(filters) || filters.length > MAX_FILTERS) {
    issues.push({
      setting: 'filters',
      problem: `must be a list of at most ${MAX_FILTERS} filter patterns (given ${Array.isArray(filters) ? filters.length : show(filters)})`,
    });
  }
  if (Array.isArray(filters) && filters.length <= MAX_FILTERS) {
    for (const problem of filterProblems(filters)) issues.push({ setting: 'filters', problem });
  }
  const timeoutMs = input.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (!isWhole(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_SECONDS * 1000)
  ) {
    issues.push({
      setting: 'timeout',
      problem: `must be from 1 ms to ${MAX_TIMEOUT_SECONDS} seconds (given ${show(timeoutMs / 1000)} seconds)`,
    });
  }
  if (issues.length > 0) return { issues };
  return {
    settings: {
      queueName: input.queueName,
      batchSize,
      maxBatchingWindowMs: windowMs,
      reportBatchItemFailures: input.reportBatchItemFailures ?? false,
      maxConcurrency,
      filters,
      enabled: input.enabled ?? true,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    },
  };
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function show(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

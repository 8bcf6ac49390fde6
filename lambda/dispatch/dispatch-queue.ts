import { ConsumerDispatcher } from '../consumers/dispatcher.js';
import type {
  ConcurrencySlots,
  DispatcherListener,
  FilteredReport,
  InvocationReport,
  Invoker,
} from '../consumers/ports.js';
import type { SqsEngine } from '../engine/types.js';
import type { ConsumerRegistration, DispatchKick } from './consumer-registration.js';

/**
 * The longest a dispatcher waits for a due time (a kick's `notBeforeMs`, a failed batch coming back): the
 * background job runs every minute and kicks for whatever becomes due before its next run, so a longer wait
 * would only duplicate it.
 */
export const MAX_WAIT_MS = 60_000;

export interface DispatchQueueDeps {
  readonly engine: SqsEngine;
  readonly consumersOf: (queueName: string) => Promise<ConsumerRegistration[]>;
  readonly slots: ConcurrencySlots;
  readonly invokerFor: (consumer: ConsumerRegistration) => Invoker;
  /** Asks another dispatcher invocation to carry on (the queue had more when this one's time ran out). */
  readonly kick: (kick: DispatchKick) => Promise<void>;
  readonly onInvocation: (consumer: ConsumerRegistration, report: InvocationReport) => void;
  readonly onFiltered: (consumer: ConsumerRegistration, report: FilteredReport) => void;
  readonly onError: DispatcherListener['onError'];
  /** No batch starts unless its function's whole timeout fits before this (epoch ms). */
  readonly untilMs: number;
  /** @default Date.now */
  readonly nowMs?: () => number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What one kick came to; also the dispatcher's log line. */
export interface DispatchResult {
  readonly queueName: string;
  /** Enabled consumers of the queue. */
  readonly consumers: number;
  readonly invocations: number;
  readonly records: number;
  readonly filtered: number;
  /** Kicks sent to another invocation to carry on. */
  readonly handedOn: number;
  /** The kick's due time lay beyond this invocation's budget or `MAX_WAIT_MS`: left to the background job. */
  readonly deferred: boolean;
}

/**
 * Runs every enabled consumer of the kicked queue until the queue is empty: waits for the kick's due time when
 * it is near, drains each consumer (pollers share `maxConcurrency` through `slots`), then waits for batches
 * that failed to come back when that is near too, and drains again. A drain cut short by the time budget hands
 * on to a fresh invocation.
 */
export async function dispatchQueue(kick: DispatchKick, deps: DispatchQueueDeps): Promise<DispatchResult> {
  const nowMs = deps.nowMs ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const consumers = await deps.consumersOf(kick.queueName);
  const result = {
    queueName: kick.queueName,
    consumers: consumers.length,
    invocations: 0,
    records: 0,
    filtered: 0,
    handedOn: 0,
    deferred: false,
  };
  if (consumers.length === 0) return result;
  const dispatchers = consumers.map((consumer) => createDispatcher(consumer, deps));

  let dueMs = kick.notBeforeMs ?? nowMs();
  for (;;) {
    const waitMs = dueMs - nowMs();
    if (waitMs > 0) {
      if (waitMs > MAX_WAIT_MS || dueMs >= deps.untilMs) {
        result.deferred = true;
        return result;
      }
      await sleep(waitMs);
    }
    const reports = await Promise.all(dispatchers.map((dispatcher) => dispatcher.drain(deps.untilMs)));
    for (const report of reports) {
      result.invocations += report.invocations.length;
      result.records += report.invocations.reduce((sum, each) => sum + each.records, 0);
      result.filtered += report.filtered;
    }
    if (reports.some((report) => report.stoppedEarly)) {
      await deps.kick({ queueName: kick.queueName });
      result.handedOn += 1;
      return result;
    }
    const wakes = reports.flatMap((report) => (report.wakeAtMs === undefined ? [] : [report.wakeAtMs]));
    if (wakes.length === 0) return result;
    dueMs = Math.min(...wakes);
  }
}

function createDispatcher(consumer: ConsumerRegistration, deps: DispatchQueueDeps): ConsumerDispatcher {
  // The settings' filters (checked at registration) are compiled by the dispatcher itself.
  return new ConsumerDispatcher({
    engine: deps.engine,
    settings: consumer.settings,
    invoker: deps.invokerFor(consumer),
    slots: deps.slots,
    consumerId: consumer.consumerId,
    listener: {
      onInvocation: (report) => deps.onInvocation(consumer, report),
      onFiltered: (report) => deps.onFiltered(consumer, report),
      ...(deps.onError ? { onError: deps.onError } : {}),
    },
    ...(deps.nowMs ? { now: deps.nowMs } : {}),
  });
}

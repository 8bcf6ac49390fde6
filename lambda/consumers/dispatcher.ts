import type { SqsEngine } from '../engine/types.js';
import { BatchReceiver, type QueueFacts, type ReceivedBatch, readQueueFacts } from './batch-receiver.js';
import { compileConsumerFilters } from './filters.js';
import { settleBatch } from './outcome.js';
import type {
  ConcurrencySlot,
  ConcurrencySlots,
  DispatcherListener,
  InvocationReport,
  InvokeResult,
  Invoker,
} from './ports.js';
import { deleteRecords } from './record-deletes.js';
import type { ConsumerSettings } from './settings.js';
import { MAX_TIMEOUT_SECONDS } from './settings.js';
import type { SqsRecord } from './sqs-event.js';
import { VisibilityKeeper } from './visibility-keeper.js';

/** A failed receive is tried again after this long (by a wake the host schedules). */
const RECEIVE_RETRY_MS = 1_000;
/** Queue attributes are read again after this long, so a changed VisibilityTimeout is seen. */
const QUEUE_FACTS_TTL_MS = 10_000;
/** A record is still held when its visibility timeout ends more than this far ahead. */
const SETTLE_MARGIN_MS = 250;

export interface ConsumerDispatcherOptions {
  readonly engine: SqsEngine;
  readonly settings: ConsumerSettings;
  readonly invoker: Invoker;
  readonly slots: ConcurrencySlots;
  /** Names the consumer in its slots and reports. @default - the queue name */
  readonly consumerId?: string;
  /**
   * Whether a record is delivered; one that is not is deleted without invoking.
   * @default - the settings' `filters`, compiled (every record when there are none)
   */
  readonly filter?: (record: SqsRecord) => boolean;
  readonly listener?: DispatcherListener & {
    /**
     * The dispatcher needs a wake at `atMs`: kept records become visible then, or a failed receive should be
     * retried. Locally a timer; on AWS a scheduled invocation. Must not throw.
     */
    onWakeAt?(atMs: number): void;
  };
  /** @default Date.now */
  readonly now?: () => number;
}

/** What `drain` did. */
export interface DrainReport {
  readonly invocations: readonly InvocationReport[];
  /** Records deleted because they matched no filter. */
  readonly filtered: number;
  /** The earliest wake the dispatcher asked for (kept records, failed receives). @default - none asked */
  readonly wakeAtMs?: number;
  /** The queue had more when `untilMs` came: the caller should drain again. */
  readonly stoppedEarly: boolean;
}

/**
 * Runs a consumer the way Lambda's SQS poller does, without any transport of its own: pollers (at most
 * `maxConcurrency`, shared through `ConcurrencySlots`) each receive a batch, drop records no filter matches,
 * invoke the function, settle the batch by Lambda's rules and go on until a receive comes back empty. A
 * dispatcher in a long-running process is woken by sends (`wake`); one hosted in a Lambda calls `drain`.
 */
export class ConsumerDispatcher {
  readonly consumerId: string;
  private readonly now: () => number;
  private readonly receiver: BatchReceiver;
  private readonly filter: ((record: SqsRecord) => boolean) | undefined;
  private readonly pollers = new Set<Promise<void>>();
  private readonly starting = new Set<Promise<void>>();
  /** Wakes so far, and pollers in a receive: a wake while one receives is left to it. */
  private wakes = 0;
  private receiving = 0;
  private readonly wakeWaiters = new Set<() => void>();
  private facts: { value: QueueFacts; readAtMs: number } | undefined;
  private stopped = false;
  private drainUntilMs: number | undefined;
  private drainLog:
    | { invocations: InvocationReport[]; filtered: number; wakeAtMs?: number; stoppedEarly: boolean }
    | undefined;

  constructor(private readonly options: ConsumerDispatcherOptions) {
    this.consumerId = options.consumerId ?? options.settings.queueName;
    this.filter = options.filter ?? compileConsumerFilters(options.settings.filters);
    this.now = options.now ?? Date.now;
    this.receiver = new BatchReceiver({
      engine: options.engine,
      settings: options.settings,
      now: this.now,
      waitForWake: (ms) => this.waitForWake(ms),
      onError: (error, during) => options.listener?.onError?.(error, during),
    });
  }

  get settings(): ConsumerSettings {
    return this.options.settings;
  }

  /**
   * Records arrived (or may have). A poller receiving now will receive once more before it stops, so nothing
   * new starts; otherwise a poller starts when a slot is free, and when none is, the holders poll again.
   */
  wake(): void {
    this.wakes += 1;
    for (const resolve of this.wakeWaiters) resolve();
    this.wakeWaiters.clear();
    if (this.stopped || !this.options.settings.enabled || this.receiving > 0) return;
    this.spawnPoller();
  }

  /**
   * Polls until the queue is empty or `untilMs` (epoch ms) comes, then returns what was done: what a dispatcher
   * hosted in a Lambda function calls once per invocation. A batch starts only while its whole invocation
   * timeout fits before `untilMs`.
   */
  async drain(untilMs: number): Promise<DrainReport> {
    this.drainUntilMs = untilMs;
    const log = { invocations: [] as InvocationReport[], filtered: 0, stoppedEarly: false } as NonNullable<
      typeof this.drainLog
    >;
    this.drainLog = log;
    try {
      if (this.options.settings.enabled) await this.startPoller();
      await this.idle();
    } finally {
      this.drainLog = undefined;
      this.drainUntilMs = undefined;
    }
    return log;
  }

  /** Starts no more batches, wakes pollers waiting in a batching window and waits for running invocations. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.idle();
  }

  /** Resolves when no poller runs or is starting. */
  async idle(): Promise<void> {
    while (this.pollers.size + this.starting.size > 0) await Promise.all([...this.pollers, ...this.starting]);
  }

  /** Starts a poller in the background; `idle` (and so `drain`) waits for it while its slot is being taken. */
  private spawnPoller(): void {
    const starting = this.startPoller().finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  private async startPoller(): Promise<void> {
    const { slots, settings } = this.options;
    const slot = await slots.acquire(this.consumerId, settings.maxConcurrency).catch((error: unknown) => {
      this.options.listener?.onError?.(error, 'receive');
      this.requestWake(this.now() + RECEIVE_RETRY_MS);
      return undefined;
    });
    if (!slot) return;
    const poller = this.poll(slot).finally(() => this.pollers.delete(poller));
    this.pollers.add(poller);
  }

  /** One poller: batches until an empty receive, then releases its slot, and polls again if woken meanwhile. */
  private async poll(first: ConcurrencySlot): Promise<void> {
    let slot: ConcurrencySlot | undefined = first;
    while (slot) {
      try {
        while (this.mayStartBatch()) {
          const wakesBefore = this.wakes;
          const processed = await this.processOneBatch();
          // A wake during an empty receive may be for a message the receive missed: look once more.
          if (processed === 'empty' && this.wakes === wakesBefore) break;
          if (processed === 'more') this.spawnPoller();
        }
      } catch (error) {
        this.options.listener?.onError?.(error, 'receive');
        this.requestWake(this.now() + RECEIVE_RETRY_MS);
      }
      const released = await slot.release().catch(() => ({ wokenMeanwhile: true }));
      slot = undefined;
      if (released.wokenMeanwhile && this.mayStartBatch()) {
        slot = await this.options.slots
          .acquire(this.consumerId, this.options.settings.maxConcurrency)
          .catch(() => undefined);
      } else if (released.wokenMeanwhile && this.drainLog) {
        this.drainLog.stoppedEarly = true;
      }
    }
  }

  private mayStartBatch(): boolean {
    if (this.stopped || !this.options.settings.enabled) return false;
    if (this.drainUntilMs === undefined) return true;
    const fits = this.now() + this.timeoutMs() <= this.drainUntilMs;
    if (!fits && this.drainLog) this.drainLog.stoppedEarly = true;
    return fits;
  }

  private timeoutMs(): number {
    return this.options.settings.timeoutMs ?? MAX_TIMEOUT_SECONDS * 1000;
  }

  /** Receives, filters, invokes and settles one batch. */
  private async processOneBatch(): Promise<'empty' | 'done' | 'more'> {
    const facts = await this.queueFacts();
    this.receiving += 1;
    let batch: ReceivedBatch;
    try {
      batch = await this.receiver.receiveBatch(facts, this.options.engine);
    } finally {
      this.receiving -= 1;
    }
    if (batch.records.length === 0) return 'empty';
    const filter = this.filter;
    const delivered = filter ? batch.records.filter((record) => filter(record)) : batch.records;
    if (delivered.length < batch.records.length) await this.dropFiltered(batch, delivered);
    if (delivered.length > 0) await this.invoke({ ...batch, records: delivered }, facts);
    return batch.moreWaiting ? 'more' : 'done';
  }

  private async dropFiltered(batch: ReceivedBatch, delivered: readonly SqsRecord[]): Promise<void> {
    const keep = new Set(delivered.map((record) => record.messageId));
    const dropped = batch.records.filter((record) => !keep.has(record.messageId));
    const deleted = (await this.deleteHeld(dropped, batch)).size;
    if (deleted < dropped.length) this.requestWake(batch.visibleAgainAtMs);
    const report = {
      consumerId: this.consumerId,
      queueName: this.options.settings.queueName,
      records: deleted,
    };
    if (this.drainLog) this.drainLog.filtered += deleted;
    this.options.listener?.onFiltered?.(report);
  }

  private async invoke(batch: ReceivedBatch, facts: QueueFacts): Promise<void> {
    const { settings, invoker } = this.options;
    const startMs = this.now();
    const deadlineMs = startMs + this.timeoutMs();
    const oldestSentMs = Math.min(
      ...batch.records.map((record) => Number(record.attributes.SentTimestamp) || startMs),
    );
    const keeper = new VisibilityKeeper({
      engine: this.options.engine,
      queueName: settings.queueName,
      visibilityTimeoutMs: facts.visibilityTimeoutMs,
      records: batch.records,
      heldUntilMs: batch.heldUntilMs,
      now: this.now,
      onError: (error) => this.options.listener?.onError?.(error, 'change-visibility'),
    });
    keeper.visibleAgainAtMs = batch.visibleAgainAtMs;
    keeper.start();
    const running = Promise.resolve()
      .then(() => invoker({ Records: batch.records }, { deadlineMs }))
      .catch((error: unknown): InvokeResult => ({ kind: 'failed', error: asInvokeError(error) }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadlineMs - this.now()));
    });
    const answer = await Promise.race([running, timedOut]);
    clearTimeout(timer);
    const durationMs = this.now() - startMs;
    // An extension in flight decides whether the records are still held: wait for its answer.
    if (answer !== 'timeout') await keeper.finish();

    const stillHeld = batch.records.filter((record) => this.isHeld(record, batch));
    const end =
      answer === 'timeout'
        ? { kind: 'timeout' as const }
        : stillHeld.length === 0
          ? { kind: 'late' as const }
          : answer;
    const settlement = settleBatch(batch.records, end, {
      reportBatchItemFailures: settings.reportBatchItemFailures,
      fifo: facts.fifo,
    });
    const toDelete = new Set(settlement.deleteIds);
    const deleted = await this.deleteHeld(
      batch.records.filter((record) => toDelete.has(record.messageId)),
      batch,
    );
    const keptMessageIds = batch.records.map((record) => record.messageId).filter((id) => !deleted.has(id));
    const kept = keptMessageIds.length;
    if (answer === 'timeout') {
      // The handler may still run (locally it cannot be killed): its messages stay hidden until it ends.
      void running.finally(() => {
        keeper.stop();
        this.requestWake(keeper.visibleAgainAtMs);
      });
    } else if (kept > 0) {
      this.requestWake(keeper.visibleAgainAtMs);
    }
    const report: InvocationReport = {
      consumerId: this.consumerId,
      queueName: settings.queueName,
      records: batch.records.length,
      outcome: settlement.outcome,
      durationMs,
      oldestRecordAgeMs: Math.max(0, startMs - oldestSentMs),
      deleted: deleted.size,
      kept,
      keptMessageIds,
      ...(kept > 0 ? { retryAtMs: keeper.visibleAgainAtMs } : {}),
      ...(answer !== 'timeout' && answer.kind === 'failed' ? { error: answer.error } : {}),
      ...(answer === 'timeout'
        ? {
            error: {
              name: 'TimeoutError',
              message: `Task timed out after ${(durationMs / 1000).toFixed(2)} seconds`,
            },
          }
        : {}),
      ...(settlement.invalidResponse ? { invalidResponse: settlement.invalidResponse } : {}),
    };
    this.drainLog?.invocations.push(report);
    this.options.listener?.onInvocation?.(report);
  }

  /** Deletes the records this dispatcher still holds; one it no longer holds may be another receiver's now. */
  /** Deletes the records this dispatcher still holds (one it no longer holds may be another's now); returns the ids deleted. */
  private async deleteHeld(records: readonly SqsRecord[], batch: ReceivedBatch): Promise<Set<string>> {
    const held = records.filter((record) => this.isHeld(record, batch));
    const result = await deleteRecords(this.options.engine, this.options.settings.queueName, held, (error) =>
      this.options.listener?.onError?.(error, 'delete'),
    );
    const failed = new Set(result.failedIds);
    return new Set(held.map((record) => record.messageId).filter((id) => !failed.has(id)));
  }

  private isHeld(record: SqsRecord, batch: ReceivedBatch): boolean {
    return (batch.heldUntilMs.get(record.messageId) ?? 0) - this.now() > SETTLE_MARGIN_MS;
  }

  private async queueFacts(): Promise<QueueFacts> {
    const nowMs = this.now();
    if (this.facts && nowMs - this.facts.readAtMs < QUEUE_FACTS_TTL_MS) return this.facts.value;
    const value = await readQueueFacts(this.options.engine, this.options.settings.queueName);
    this.facts = { value, readAtMs: nowMs };
    return value;
  }

  private requestWake(atMs: number): void {
    if (this.drainLog) this.drainLog.wakeAtMs = Math.min(this.drainLog.wakeAtMs ?? atMs, atMs);
    this.options.listener?.onWakeAt?.(atMs);
  }

  private waitForWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeWaiters.add(done);
    });
  }
}

function asInvokeError(error: unknown): { name?: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { message: String(error) };
}

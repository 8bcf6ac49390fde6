import type { Clock } from '../engine/clock.js';
import { guardStore } from '../engine/guarded-store.js';
import { msToSeconds } from '../engine/limits.js';
import { retentionMs } from '../engine/move-tasks.js';
import { deadLetterTargetOf, queueArnOf } from '../engine/redrive-policy.js';
import type { MessageCounts, MoveTaskRecord, QueueRecord, Store } from '../storage/store.js';
import { isFifoRecord } from '../storage/store.js';

/** How long a queue's counts are reused: the page polls every few seconds, and counting reads every message. */
export const COUNTS_MAX_AGE_MS = 5_000;
/** A list measures stale counts for at most this long, then answers with what it has. */
export const COUNTS_BUDGET_MS = 300;
/** Counts measured at once, by all lists together. */
const CONCURRENT_COUNTS = 4;
/** Queue records are reused this long without a new read (as the engine's queue directory does). */
const RECORDS_MAX_AGE_MS = 1_000;
/** Older records are still answered, while a new read runs, up to this age. */
const RECORDS_STALE_MS = 30_000;
/** Queue records read per page. */
const RECORDS_PAGE = 1_000;

/** One queue as the list shows it. */
export interface QueueSummary {
  readonly record: QueueRecord;
  readonly arn: string;
  /** @default - not measured yet */
  readonly counts?: MessageCounts & { readonly measuredMs: number };
  /** @default - empty, or not measured */
  readonly oldestAgeSeconds?: number;
  /** @default - no RedrivePolicy */
  readonly deadLetter?: { name: string; arn: string; maxReceiveCount: number; exists: boolean };
  readonly deadLetterSources: readonly string[];
  /** @default - no task running */
  readonly moveTask?: MoveTaskRecord;
}

interface CachedCounts {
  counts?: MessageCounts;
  measuredMs: number;
  pending?: Promise<void>;
}

/**
 * Every queue of the account with its counts, dead-letter relations both ways and running move task. Counts are
 * what GetQueueAttributes computes (`Store.countMessages`, with the oldest message as the gauges do), cached per
 * process for {@link COUNTS_MAX_AGE_MS}; a list refreshes the stale ones it needs within {@link COUNTS_BUDGET_MS}
 * and lets the rest finish in the background for the next poll.
 */
export class QueueOverview {
  private readonly store: Store;
  private readonly counts = new Map<string, CachedCounts>();
  /** Counts asked for and not yet started, by count key; the last entry is the newest ask. */
  private readonly waiting = new Map<
    string,
    { record: QueueRecord; resolve: () => void; reject: (error: unknown) => void }
  >();
  private workers = 0;
  private records?: { readAtMs: number; records: Promise<QueueRecord[]>; settled: boolean };
  private refreshing?: Promise<QueueRecord[]>;

  constructor(
    private readonly options: {
      readonly store: Store;
      readonly clock: Clock;
      readonly accountId: string;
      readonly region: string;
    },
  ) {
    this.store = guardStore(options.store);
  }

  /**
   * Every queue record of the account, in name order. Records read less than {@link RECORDS_MAX_AGE_MS} ago are
   * reused; older ones (up to {@link RECORDS_STALE_MS}) are answered while a fresh read runs for the next list, so a
   * poll never waits for a read of 1,000 records; a queue made elsewhere shows by the next poll.
   */
  async allRecords(): Promise<QueueRecord[]> {
    const nowMs = this.options.clock.nowMs();
    const current = this.records;
    const ageMs = current ? nowMs - current.readAtMs : Number.POSITIVE_INFINITY;
    if (current && ageMs < RECORDS_MAX_AGE_MS) return current.records;
    if (current?.settled && ageMs < RECORDS_STALE_MS) {
      if (!this.refreshing) {
        this.refreshing = this.startRead(nowMs).finally(() => {
          this.refreshing = undefined;
        });
        this.refreshing.catch(() => undefined);
      }
      return current.records;
    }
    return this.startRead(nowMs);
  }

  private startRead(nowMs: number): Promise<QueueRecord[]> {
    const records = this.readRecords();
    const entry: { readAtMs: number; records: Promise<QueueRecord[]>; settled: boolean } = {
      readAtMs: nowMs,
      records,
      settled: false,
    };
    // A read in the background replaces the answer only once it has one.
    if (!this.records?.settled) this.records = entry;
    records.then(
      () => {
        entry.settled = true;
        this.records = entry;
      },
      () => {
        if (this.records === entry) this.records = undefined;
      },
    );
    return records;
  }

  /** A change made through the console is seen by its next list. */
  forgetRecords(): void {
    this.records = undefined;
  }

  /**
   * Summaries of `records` (a subset of `all`), with counts measured for those in `measure` (a list sorted by name
   * measures only its page).
   */
  async summarize(
    all: readonly QueueRecord[],
    records: readonly QueueRecord[],
    options: { fresh?: boolean } = {},
  ): Promise<QueueSummary[]> {
    this.dropDeleted(all.length);
    const [tasks] = await Promise.all([
      this.store.listActiveMoveTasks(),
      this.measure(records, options.fresh ?? false),
    ]);
    const byName = new Map(all.map((record) => [record.name, record]));
    const sources = new Map<string, string[]>();
    for (const record of all) {
      const target = deadLetterTargetOf(record.attributes);
      if (target) sources.set(target.queueName, [...(sources.get(target.queueName) ?? []), record.name]);
    }
    const taskByQueue = new Map(tasks.map((task) => [task.sourceQueueId, task]));
    const nowMs = this.options.clock.nowMs();
    return records.map((record) => {
      const target = deadLetterTargetOf(record.attributes);
      const cached = this.counts.get(countKey(record));
      const counts = cached?.counts ? { ...cached.counts, measuredMs: cached.measuredMs } : undefined;
      const task = taskByQueue.get(record.id);
      return {
        record,
        arn: this.arnOf(record.name),
        ...(counts ? { counts } : {}),
        ...(counts?.oldestMs !== undefined
          ? { oldestAgeSeconds: msToSeconds(Math.max(0, nowMs - counts.oldestMs)) }
          : {}),
        ...(target
          ? {
              deadLetter: {
                name: target.queueName,
                arn: this.arnOf(target.queueName),
                maxReceiveCount: target.maxReceiveCount,
                exists: byName.has(target.queueName),
              },
            }
          : {}),
        deadLetterSources: sources.get(record.name) ?? [],
        ...(task ? { moveTask: task } : {}),
      };
    });
  }

  arnOf(queueName: string): string {
    return queueArnOf(queueName, this.options.accountId, this.options.region);
  }

  /**
   * Measures the counts of `records` that are older than {@link COUNTS_MAX_AGE_MS} (all of them when `fresh`). Every
   * list shares one queue of counts to take, worked {@link CONCURRENT_COUNTS} at a time, newest asks first: polls
   * of 1,000 queues never run more counts at once than that, and a page in view is measured before the rest. A list
   * waits at most {@link COUNTS_BUDGET_MS} (unless `fresh`) and answers with the counts it has.
   */
  private async measure(records: readonly QueueRecord[], fresh: boolean): Promise<void> {
    const nowMs = this.options.clock.nowMs();
    const wanted = records.filter((record) => {
      const cached = this.counts.get(countKey(record));
      return fresh || !cached || nowMs - cached.measuredMs >= COUNTS_MAX_AGE_MS;
    });
    if (wanted.length === 0) return;
    const measuring = wanted.map((record) => this.enqueue(record));
    if (fresh) {
      await Promise.all(measuring);
      return;
    }
    // A failed count keeps the old one; the next list asks again.
    for (const pending of measuring) pending.catch(() => undefined);
    // Only counts never measured are waited for; stale ones answer as they are (with their time) and refresh behind.
    const done = Promise.all(
      measuring.filter((_, k) => this.counts.get(countKey(wanted[k] as QueueRecord))?.counts === undefined),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, COUNTS_BUDGET_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Puts the queue at the front of the counts to take; resolves once it is measured. */
  private enqueue(record: QueueRecord): Promise<void> {
    const key = countKey(record);
    const entry = this.counts.get(key) ?? { measuredMs: 0 };
    this.counts.set(key, entry);
    if (!entry.pending) {
      entry.pending = new Promise<void>((resolve, reject) => {
        this.waiting.set(key, { record, resolve, reject });
      });
    } else if (this.waiting.has(key)) {
      // Asked again before its turn: it moves to the front.
      const ask = this.waiting.get(key);
      this.waiting.delete(key);
      if (ask) this.waiting.set(key, ask);
    }
    while (this.workers < CONCURRENT_COUNTS && this.waiting.size > 0) {
      this.workers++;
      void this.work();
    }
    return entry.pending;
  }

  private async work(): Promise<void> {
    try {
      for (;;) {
        // The most recently asked first (a Map keeps insertion order; the last key is the newest ask).
        const key = [...this.waiting.keys()].pop();
        if (key === undefined) return;
        const ask = this.waiting.get(key);
        this.waiting.delete(key);
        if (!ask) continue;
        const entry = this.counts.get(key) ?? { measuredMs: 0 };
        const nowMs = this.options.clock.nowMs();
        try {
          entry.counts = await this.store.countMessages(ask.record, nowMs, retentionMs(ask.record), {
            withOldest: true,
          });
          entry.measuredMs = nowMs;
          this.counts.set(key, entry);
          ask.resolve();
        } catch (error) {
          ask.reject(error);
        } finally {
          entry.pending = undefined;
        }
      }
    } finally {
      this.workers--;
    }
  }

  /** Keeps the cache from growing past the account's queues (deleted and purged queues leave old keys). */
  private dropDeleted(queues: number): void {
    if (this.counts.size > 2 * queues + 100) this.counts.clear();
  }

  private async readRecords(): Promise<QueueRecord[]> {
    const records: QueueRecord[] = [];
    let afterName: string | undefined;
    do {
      const page = await this.store.listQueueRecords({
        limit: RECORDS_PAGE,
        ...(afterName !== undefined ? { afterName } : {}),
      });
      records.push(...page.records);
      afterName = page.lastName;
    } while (afterName !== undefined);
    return records;
  }
}

/** Counts belong to a queue's epoch: a purge starts new ones. */
function countKey(record: QueueRecord): string {
  return `${record.id}#${record.epoch}`;
}

/** Visible, in flight and delayed: what is waiting or being worked on. */
export function backlogOf(summary: QueueSummary): number {
  const counts = summary.counts;
  return counts ? counts.visible + counts.inflight + counts.delayed : -1;
}

export function queueType(record: QueueRecord): 'standard' | 'fifo' {
  return isFifoRecord(record) ? 'fifo' : 'standard';
}

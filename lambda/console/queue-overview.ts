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
export const COUNTS_BUDGET_MS = 500;
/** Counts measured at once. */
const CONCURRENT_COUNTS = 16;
/** Queue records are reused this long (as the engine's queue directory does): a queue made elsewhere shows within it. */
const RECORDS_MAX_AGE_MS = 1_000;
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
  private records?: { readAtMs: number; records: Promise<QueueRecord[]> };

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

  /** Every queue record of the account, in name order (reused for a moment). */
  async allRecords(): Promise<QueueRecord[]> {
    const nowMs = this.options.clock.nowMs();
    if (!this.records || nowMs - this.records.readAtMs >= RECORDS_MAX_AGE_MS) {
      const records = this.readRecords();
      this.records = { readAtMs: nowMs, records };
      records.catch(() => {
        if (this.records?.records === records) this.records = undefined;
      });
    }
    return this.records.records;
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
   * Measures the counts of `records` that are older than {@link COUNTS_MAX_AGE_MS} (all of them when `fresh`), at
   * most {@link CONCURRENT_COUNTS} at once, waiting at most {@link COUNTS_BUDGET_MS} unless `fresh`.
   */
  private async measure(records: readonly QueueRecord[], fresh: boolean): Promise<void> {
    const { clock } = this.options;
    const nowMs = clock.nowMs();
    const stale = records.filter((record) => {
      const cached = this.counts.get(countKey(record));
      return fresh || !cached || (nowMs - cached.measuredMs >= COUNTS_MAX_AGE_MS && !cached.pending);
    });
    const queue = [...stale];
    const worker = async () => {
      for (let record = queue.shift(); record; record = queue.shift()) await this.countOne(record);
    };
    const all = Promise.all(Array.from({ length: Math.min(CONCURRENT_COUNTS, queue.length) }, worker));
    // A failed count leaves the old one; the next list tries again.
    all.catch(() => undefined);
    if (fresh) {
      await all;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, COUNTS_BUDGET_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private async countOne(record: QueueRecord): Promise<void> {
    const key = countKey(record);
    const entry = this.counts.get(key) ?? { measuredMs: 0 };
    if (entry.pending) return entry.pending;
    const pending = (async () => {
      const nowMs = this.options.clock.nowMs();
      try {
        entry.counts = await this.store.countMessages(record, nowMs, retentionMs(record), {
          withOldest: true,
        });
        entry.measuredMs = nowMs;
      } finally {
        entry.pending = undefined;
      }
    })();
    entry.pending = pending;
    this.counts.set(key, entry);
    return pending;
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

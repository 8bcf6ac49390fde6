import type { QueueActivity } from '../engine/activity.js';
import type { Clock } from '../engine/clock.js';
import { type QueueGauge, QueueGauges } from '../engine/queue-gauges.js';
import type { HistoryItems } from '../storage/dynamo/history-items.js';
import { withoutStorageDeadline } from '../storage/request-deadline.js';
import type { Store } from '../storage/store.js';
import {
  HISTORY_INTERVAL_MS,
  HISTORY_WINDOW_MS,
  type HistorySample,
  MemoryHistory,
  minuteOf,
  type QueueHistory,
} from './history.js';

/** Counters are written at most this often per process (more often when the minute turns). */
export const HISTORY_FLUSH_INTERVAL_MS = 10_000;
/** A depth pass over every queue stops starting counts after this long, so passes never overlap. */
const DEPTH_PASS_MS = 50_000;

/**
 * The console's history, wired for where the service runs:
 * - `memory` (`npm start`): the process counts activity and measures every queue's depth each minute itself;
 * - `table` (Lambda): request functions add their counts to the table, the background job the depth (`recordDepth`).
 */
export interface ConsoleHistory {
  readonly history: QueueHistory;
  /** Told of every send, receive and delete. */
  readonly activity: QueueActivity;
  /** Memory mode: starts measuring every queue's depth each minute. Table mode: nothing. */
  start(store: Store): void;
  /** Records one queue's gauge as this minute's depth (the background job calls it for every queue). */
  recordDepth(gauge: QueueGauge): Promise<void>;
  /** Stops the timer; table mode writes the counters not yet written. */
  stop(): Promise<void>;
}

export function createMemoryHistory(clock: Clock, onError: (error: unknown) => void): ConsoleHistory {
  const memory = new MemoryHistory(clock);
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const recordDepth = async (gauge: QueueGauge) =>
    memory.recordDepth(gauge.queueName, {
      visible: gauge.visible,
      inFlight: gauge.inflight,
      delayed: gauge.delayed,
    });
  return {
    history: memory,
    activity: memory,
    recordDepth,
    start(store) {
      // Once stopped, the pass in progress starts no further count (its deadline has passed).
      const gauges = new QueueGauges({
        store,
        clock: { nowMs: () => (stopped ? Number.POSITIVE_INFINITY : clock.nowMs()) },
      });
      const pass = () => {
        if (running) return;
        running = gauges
          .measure({ untilMs: clock.nowMs() + DEPTH_PASS_MS, onGauge: (gauge) => void recordDepth(gauge) })
          .catch(onError)
          .finally(() => {
            running = undefined;
          });
      };
      // The first sample soon after start, then one a minute.
      first = setTimeout(pass, 1_000);
      first.unref();
      timer = setInterval(pass, HISTORY_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}

export function createTableHistory(
  items: HistoryItems,
  clock: Clock,
  onError: (error: unknown) => void,
): ConsoleHistory {
  const counters = new HistoryCounters(items, clock, onError);
  return {
    history: {
      async samples(queueName: string, nowMs: number): Promise<HistorySample[]> {
        const minutes = await items.read(queueName, minuteOf(nowMs - HISTORY_WINDOW_MS));
        return minutes
          .filter((minute) => minute.minuteMs + HISTORY_INTERVAL_MS > nowMs - HISTORY_WINDOW_MS)
          .map((minute) => ({
            atMs: Math.min(nowMs, minute.minuteMs + HISTORY_INTERVAL_MS),
            sent: minute.sent,
            received: minute.received,
            deleted: minute.deleted,
            ...(minute.depth ?? {}),
          }));
      },
    },
    activity: counters,
    start() {},
    recordDepth: (gauge) =>
      items.recordDepth(gauge.queueName, minuteOf(clock.nowMs()), {
        visible: gauge.visible,
        inFlight: gauge.inflight,
        delayed: gauge.delayed,
      }),
    stop: () => counters.flush(),
  };
}

type Counts = { sent: number; received: number; deleted: number };

/**
 * Adds up sends, receives and deletes per queue and minute, and writes them (`ADD`, one UpdateItem per queue and
 * minute with activity) at most every {@link HISTORY_FLUSH_INTERVAL_MS}, outside the request that caused them, so a
 * request never waits for it. A failed write puts its counts back for the next flush; counts still unwritten when
 * a Lambda container is reclaimed are lost: the rates are approximate.
 */
class HistoryCounters implements QueueActivity {
  private pending = new Map<string, Counts>();
  private lastFlushMs = 0;
  private flushing?: Promise<void>;

  constructor(
    private readonly items: HistoryItems,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  messagesSent(queueName: string, sizesBytes: readonly number[]): void {
    this.add(queueName, { sent: sizesBytes.length, received: 0, deleted: 0 });
  }

  messagesReceived(queueName: string, count: number): void {
    if (count > 0) this.add(queueName, { sent: 0, received: count, deleted: 0 });
  }

  messagesDeleted(queueName: string, count: number): void {
    if (count > 0) this.add(queueName, { sent: 0, received: 0, deleted: count });
  }

  messagesMovedToDeadLetterQueue(): void {}

  messagesMovedIn(): void {}

  /** Writes every pending count. */
  async flush(): Promise<void> {
    await this.flushing;
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    this.lastFlushMs = this.clock.nowMs();
    const write = withoutStorageDeadline(async () => {
      await Promise.all(
        [...batch].map(async ([key, counts]) => {
          const [minute, queueName] = splitKey(key);
          try {
            await this.items.addActivity(queueName, minute, counts);
          } catch (error) {
            this.merge(key, counts);
            this.onError(error);
          }
        }),
      );
    });
    this.flushing = write.finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private add(queueName: string, counts: Counts): void {
    const nowMs = this.clock.nowMs();
    const minute = minuteOf(nowMs);
    this.merge(`${minute}#${queueName}`, counts);
    const due =
      nowMs - this.lastFlushMs >= HISTORY_FLUSH_INTERVAL_MS || minuteOf(this.lastFlushMs) !== minute;
    if (due && !this.flushing) void this.flush().catch(this.onError);
  }

  private merge(key: string, counts: Counts): void {
    const current = this.pending.get(key) ?? { sent: 0, received: 0, deleted: 0 };
    this.pending.set(key, {
      sent: current.sent + counts.sent,
      received: current.received + counts.received,
      deleted: current.deleted + counts.deleted,
    });
  }
}

function splitKey(key: string): [number, string] {
  const at = key.indexOf('#');
  return [Number(key.slice(0, at)), key.slice(at + 1)];
}

import type { QueueActivity } from '../engine/activity.js';
import type { Clock } from '../engine/clock.js';

/** Samples are a minute apart; the console shows the last hour. */
export const HISTORY_INTERVAL_MS = 60_000;
export const HISTORY_WINDOW_MS = 60 * HISTORY_INTERVAL_MS;

/** One minute of one queue: messages sent, received and deleted in it, and the depth measured at its end. */
export interface HistorySample {
  /** The end of the minute (epoch ms); the current minute's sample ends now. */
  readonly atMs: number;
  readonly sent: number;
  readonly received: number;
  readonly deleted: number;
  /** @default - depth not measured in that minute */
  readonly visible?: number;
  readonly inFlight?: number;
  readonly delayed?: number;
}

/** Where the console reads a queue's last hour from. */
export interface QueueHistory {
  /** Oldest first; minutes without a sample are absent. */
  samples(queueName: string, nowMs: number): Promise<HistorySample[]>;
}

/** A queue's depth, as the gauges measure it. */
export interface DepthSample {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

interface Minute {
  /** Start of the minute, epoch ms. */
  startMs: number;
  sent: number;
  received: number;
  deleted: number;
  depth?: DepthSample;
}

/** Queues remembered; past this, the queue whose activity is oldest is forgotten. */
const MAX_QUEUES = 10_000;

/** The minute an instant falls in, by its start. */
export function minuteOf(atMs: number): number {
  return atMs - (atMs % HISTORY_INTERVAL_MS);
}

/**
 * The local server's history: an activity sink (sends, receives, deletes as the engine reports them) and the
 * depth the server samples each minute, kept in memory for the last hour (lost on restart). Memory is bounded:
 * 61 minutes per queue, at most {@link MAX_QUEUES} queues.
 */
export class MemoryHistory implements QueueHistory, QueueActivity {
  private readonly queues = new Map<string, Minute[]>();

  constructor(private readonly clock: Clock) {}

  messagesSent(queueName: string, sizesBytes: readonly number[]): void {
    this.minute(queueName).sent += sizesBytes.length;
  }

  messagesReceived(queueName: string, count: number): void {
    if (count > 0) this.minute(queueName).received += count;
  }

  messagesDeleted(queueName: string, count: number): void {
    this.minute(queueName).deleted += count;
  }

  messagesMovedToDeadLetterQueue(): void {}

  messagesMovedIn(): void {}

  /** Records a queue's depth, measured now. */
  recordDepth(queueName: string, depth: DepthSample): void {
    this.minute(queueName).depth = depth;
  }

  async samples(queueName: string, nowMs: number): Promise<HistorySample[]> {
    const since = nowMs - HISTORY_WINDOW_MS;
    return (this.queues.get(queueName) ?? [])
      .filter((minute) => minute.startMs + HISTORY_INTERVAL_MS > since && minute.startMs <= nowMs)
      .map((minute) => ({
        atMs: Math.min(nowMs, minute.startMs + HISTORY_INTERVAL_MS),
        sent: minute.sent,
        received: minute.received,
        deleted: minute.deleted,
        ...(minute.depth
          ? { visible: minute.depth.visible, inFlight: minute.depth.inFlight, delayed: minute.depth.delayed }
          : {}),
      }));
  }

  private minute(queueName: string): Minute {
    const startMs = minuteOf(this.clock.nowMs());
    let minutes = this.queues.get(queueName);
    if (!minutes) {
      if (this.queues.size >= MAX_QUEUES) {
        const oldest = this.queues.keys().next().value;
        if (oldest !== undefined) this.queues.delete(oldest);
      }
      minutes = [];
    } else {
      // Re-inserted, so the map's order is the order of latest activity.
      this.queues.delete(queueName);
    }
    this.queues.set(queueName, minutes);
    let last = minutes[minutes.length - 1];
    if (!last || last.startMs !== startMs) {
      last = { startMs, sent: 0, received: 0, deleted: 0 };
      minutes.push(last);
      const keepFrom = startMs - HISTORY_WINDOW_MS;
      while ((minutes[0]?.startMs ?? startMs) < keepFrom) minutes.shift();
    }
    return last;
  }
}

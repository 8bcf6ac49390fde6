import type { QueueRecord, Store } from '../storage/store.js';
import type { Clock } from './clock.js';
import { msToSeconds } from './limits.js';
import { retentionMs } from './move-tasks.js';

/** One queue's depth at one moment, as the background job publishes it each minute. */
export interface QueueGauge {
  readonly queueName: string;
  /** ApproximateNumberOfMessagesVisible. */
  readonly visible: number;
  /** ApproximateNumberOfMessagesNotVisible: received, not yet deleted, visibility timeout running. */
  readonly inflight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  readonly delayed: number;
  /**
   * ApproximateAgeOfOldestMessage, in seconds: since the oldest message was sent, or moved into this dead-letter
   * queue. @default - absent when the queue holds no message (SQS reports it only then, too)
   */
  readonly ageOfOldestMessageSeconds?: number;
}

/** How far one pass over the account's queues got. */
export interface GaugePass {
  /** Queues measured in this pass. */
  readonly measured: number;
  /** Whether it reached the last queue; false when the deadline stopped it. */
  readonly complete: boolean;
  /**
   * When the deadline stopped it: the last queue it measured, for the next pass to start after.
   * @default - it measured no queue, or reached the last one
   */
  readonly stoppedAfter?: string;
}

export interface MeasureOptions {
  /** No queue is started at or after this moment (epoch ms); those left wait for the next pass. */
  readonly untilMs: number;
  /** Start after this queue name, where an earlier pass stopped. @default - from the first queue */
  readonly afterName?: string;
  /** Called with each queue's gauge as soon as it is measured. */
  readonly onGauge: (gauge: QueueGauge) => void;
}

/** Queue records read per page, and counts run at once. */
const PAGE_SIZE = 100;
const CONCURRENT_COUNTS = 4;

/**
 * Measures every queue of the account, a page of queue records at a time, a few counts at once, in name
 * order. Each count reads the queue's message index (as GetQueueAttributes does), so the cost grows with the
 * number of queues and their depth; `untilMs` caps the time a pass takes.
 */
export class QueueGauges {
  constructor(private readonly options: { readonly store: Store; readonly clock: Clock }) {}

  async measure(options: MeasureOptions): Promise<GaugePass> {
    const { store, clock } = this.options;
    let measured = 0;
    let afterName = options.afterName;
    for (;;) {
      const page = await store.listQueueRecords({
        limit: PAGE_SIZE,
        ...(afterName !== undefined ? { afterName } : {}),
      });
      for (let start = 0; start < page.records.length; start += CONCURRENT_COUNTS) {
        if (clock.nowMs() >= options.untilMs) {
          return {
            measured,
            complete: false,
            ...(afterName !== undefined ? { stoppedAfter: afterName } : {}),
          };
        }
        const chunk = page.records.slice(start, start + CONCURRENT_COUNTS);
        const gauges = await Promise.all(chunk.map((queue) => this.gaugeOf(queue)));
        for (const gauge of gauges) options.onGauge(gauge);
        measured += gauges.length;
        afterName = chunk[chunk.length - 1]?.name;
      }
      if (page.lastName === undefined) return { measured, complete: true };
      afterName = page.lastName;
    }
  }

  private async gaugeOf(queue: QueueRecord): Promise<QueueGauge> {
    const nowMs = this.options.clock.nowMs();
    const counts = await this.options.store.countMessages(queue, nowMs, retentionMs(queue), {
      withOldest: true,
    });
    return {
      queueName: queue.name,
      visible: counts.visible,
      inflight: counts.inflight,
      delayed: counts.delayed,
      ...(counts.oldestMs !== undefined
        ? { ageOfOldestMessageSeconds: msToSeconds(Math.max(0, nowMs - counts.oldestMs)) }
        : {}),
    };
  }
}

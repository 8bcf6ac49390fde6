import type { Clock } from '../engine/clock.js';
import { PUBLISH_LEASE_MS, type Publisher } from './publisher.js';
import type { TopicEngine } from './topic-engine.js';
import type { TopicStore } from './types.js';

/** How often a running server looks for publishes whose delivery was cut off. */
export const RECOVERY_INTERVAL_MS = 2_000;
const RECORDS_PER_PASS = 25;

export interface TopicRecoveryOptions {
  readonly store: TopicStore;
  readonly topics: TopicEngine;
  readonly publisher: Publisher;
  readonly clock: Clock;
  /** @default console.error */
  readonly onError?: (error: unknown) => void;
  /** Told how many cut-off publishes a pass finished, when it finished any. @default - nothing is told */
  readonly onFinished?: (count: number) => void;
}

/**
 * Finishes publishes whose delivery was cut off (a crash, a storage failure): every record whose lease ran out is
 * taken over, delivered to the subscriptions it names that still exist (each delivery recognised if it was already
 * made) and removed. A server runs it every two seconds; the Lambda background job once a minute.
 */
export class TopicRecovery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: TopicRecoveryOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then((finished) => {
          if (finished > 0) this.options.onFinished?.(finished);
          return finished;
        })
        .catch((error: unknown) => {
          (this.options.onError ?? console.error)(error);
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, RECOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass, until `untilMs` at most; returns how many publishes it finished. */
  async runOnce(untilMs = Number.POSITIVE_INFINITY): Promise<number> {
    let finished = 0;
    for (;;) {
      const nowMs = this.options.clock.nowMs();
      if (nowMs >= untilMs) return finished;
      const records = await this.options.store.listAbandonedPublishes(nowMs, RECORDS_PER_PASS);
      if (records.length === 0) return finished;
      let taken = 0;
      for (const record of records) {
        if (this.options.clock.nowMs() >= untilMs) return finished;
        const leased = await this.options.store.leasePublish(
          record,
          this.options.clock.nowMs(),
          this.options.clock.nowMs() + PUBLISH_LEASE_MS,
        );
        if (!leased) continue;
        taken++;
        try {
          const topic = await this.options.store.getTopic(record.topicName);
          const current = topic?.id === record.topicId ? topic : undefined;
          // A deleted topic's subscriptions are gone with it: the record is removed with nothing to deliver.
          const subscriptions = current ? await this.options.topics.allSubscriptions(current) : [];
          await this.options.publisher.deliverRecord(record, current, subscriptions, true);
          finished++;
        } catch (error) {
          // One record that cannot be finished now (its lease runs out again) must not stop the others.
          (this.options.onError ?? console.error)(error);
        }
      }
      if (taken === 0) return finished;
    }
  }
}

import type { QueueGauge } from '../engine/queue-gauges.js';
import type { ConsumerRegistry } from './consumer-registry.js';
import type { DispatcherKicks } from './dispatcher-kicks.js';

/** How far ahead the background job looks for messages becoming due: up to its next run. */
export const BACKGROUND_LOOK_AHEAD_MS = 60_000;

export interface BackgroundKicksOptions {
  readonly kicks: DispatcherKicks;
  readonly registry: Pick<ConsumerRegistry, 'consumersOf'>;
  /** The earliest moment in `(afterMs, untilMs]` a message of the queue becomes receivable. */
  readonly nextDueMs: (queueName: string, afterMs: number, untilMs: number) => Promise<number | undefined>;
  readonly onError: (error: unknown, queueName: string) => void;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

/**
 * The background job's part in pushing consumers (docs/design.md, "Consumers on AWS"): for every queue with a
 * consumer, as its gauge comes in, a kick when messages are visible (a kick lost, a consumer just registered),
 * or a kick with the due time when a delayed or in-flight message becomes receivable before the next run. An
 * empty queue costs nothing beyond the gauge the job measures anyway.
 */
export class BackgroundKicks {
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly options: BackgroundKicksOptions) {}

  onGauge(gauge: QueueGauge): void {
    if (gauge.visible + gauge.inflight + gauge.delayed === 0) return;
    this.pending.push(
      this.kickFor(gauge).catch((error: unknown) => this.options.onError(error, gauge.queueName)),
    );
  }

  /** Resolves when every kick is sent. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
    await this.options.kicks.settle();
  }

  private async kickFor(gauge: QueueGauge): Promise<void> {
    const { queueName } = gauge;
    if ((await this.options.registry.consumersOf(queueName)).length === 0) return;
    if (gauge.visible > 0) {
      this.options.kicks.kickIfConsumed({ queueName });
      return;
    }
    const nowMs = (this.options.nowMs ?? Date.now)();
    const dueMs = await this.options.nextDueMs(queueName, nowMs, nowMs + BACKGROUND_LOOK_AHEAD_MS);
    if (dueMs !== undefined) this.options.kicks.kickIfConsumed({ queueName, notBeforeMs: dueMs });
  }
}

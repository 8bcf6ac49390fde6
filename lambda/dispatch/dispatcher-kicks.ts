import type { QueueActivity } from '../engine/activity.js';
import type { DispatchKick } from './consumer-registration.js';
import type { ConsumerRegistry } from './consumer-registry.js';

/**
 * How far ahead a send's delay may end for the send itself to kick: the dispatcher then waits for the due time.
 * Later ones are the background job's, which kicks for what becomes due before its next run.
 */
export const KICK_AHEAD_MS = 60_000;

export interface DispatcherKicksOptions {
  readonly registry: Pick<ConsumerRegistry, 'consumersOf'>;
  /** Sends one kick (an `Event` invocation of the dispatcher). */
  readonly kick: (kick: DispatchKick) => Promise<void>;
  readonly onError: (error: unknown, kick: DispatchKick) => void;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

/**
 * The engine's activity, turned into kicks of the dispatcher (docs/design.md, "Consumers on AWS"): a send, or a
 * move task's step, into a queue that has an enabled consumer. Activity arrives synchronously; the kicks run at
 * once and `settle` waits for them, which a Lambda entry must do before it returns: a frozen container would
 * send them only on its next invocation, if ever. One kick per queue and due time between settles.
 */
export class DispatcherKicks implements QueueActivity {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly options: DispatcherKicksOptions) {}

  messagesSent(queueName: string, _sizesBytes: readonly number[], visibleAtMs: readonly number[]): void {
    if (visibleAtMs.length === 0) return;
    const nowMs = this.nowMs();
    const firstDueMs = Math.min(...visibleAtMs);
    if (firstDueMs > nowMs + KICK_AHEAD_MS) return;
    this.kickIfConsumed(firstDueMs > nowMs ? { queueName, notBeforeMs: firstDueMs } : { queueName });
  }

  messagesMovedIn(queueName: string): void {
    this.kickIfConsumed({ queueName });
  }

  messagesReceived(): void {}
  messagesDeleted(): void {}
  messagesMovedToDeadLetterQueue(): void {}

  /** Kicks the dispatcher for `kick.queueName` when the queue has an enabled consumer. */
  kickIfConsumed(kick: DispatchKick): void {
    const key = `${kick.queueName}\n${kick.notBeforeMs ?? ''}`;
    if (this.pending.has(key)) return;
    this.pending.set(
      key,
      (async () => {
        const consumers = await this.options.registry.consumersOf(kick.queueName);
        if (consumers.length > 0) await this.options.kick(kick);
      })().catch((error: unknown) => this.options.onError(error, kick)),
    );
  }

  /** Resolves when every kick asked for so far has been sent (or has failed and been reported). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) {
      const running = [...this.pending.values()];
      this.pending.clear();
      await Promise.all(running);
    }
  }

  private nowMs(): number {
    return (this.options.nowMs ?? Date.now)();
  }
}

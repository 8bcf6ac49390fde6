import { MAX_RECEIVE_MESSAGES } from '../engine/limits.js';
import type { SqsEngine } from '../engine/types.js';
import type { SqsRecord } from './sqs-event.js';

/** Extend this long before a record's visibility timeout ends: half the timeout, at most 10 s. */
const MAX_LEAD_MS = 10_000;

export interface VisibilityKeeperOptions {
  readonly engine: SqsEngine;
  readonly queueName: string;
  readonly visibilityTimeoutMs: number;
  readonly records: readonly SqsRecord[];
  /** Per message id, until when it is surely held; the keeper moves these forward as it extends. */
  readonly heldUntilMs: Map<string, number>;
  readonly now: () => number;
  readonly onError: (error: unknown) => void;
}

/**
 * Keeps a batch's messages hidden while its invocation (or a handler still running past its deadline) goes on:
 * shortly before their visibility timeout ends it sets it again, so no other invocation can receive them. A
 * record whose extension fails keeps its old `heldUntilMs`, and the dispatcher deletes nothing it no longer
 * holds. A handler that returns in time never causes a call.
 */
export class VisibilityKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** When the kept messages become visible again, if nothing else touches them. */
  visibleAgainAtMs = 0;

  constructor(private readonly options: VisibilityKeeperOptions) {}

  start(): void {
    if (this.options.visibilityTimeoutMs <= 0) return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    const { heldUntilMs, visibilityTimeoutMs, now } = this.options;
    const held = [...heldUntilMs.values()].filter((until) => until > now());
    if (held.length === 0) return;
    const leadMs = Math.min(visibilityTimeoutMs / 2, MAX_LEAD_MS);
    const dueMs = Math.min(...held) - leadMs;
    this.timer = setTimeout(() => void this.extend(), Math.max(0, dueMs - now()));
    this.timer.unref?.();
  }

  private async extend(): Promise<void> {
    const { engine, queueName, visibilityTimeoutMs, records, heldUntilMs, now } = this.options;
    const held = records.filter((record) => (heldUntilMs.get(record.messageId) ?? 0) > now());
    for (let start = 0; start < held.length && !this.stopped; start += MAX_RECEIVE_MESSAGES) {
      const chunk = held.slice(start, start + MAX_RECEIVE_MESSAGES);
      const callStartMs = now();
      try {
        const result = await engine.changeMessageVisibilityBatch({
          queueName,
          entries: chunk.map((record, index) => ({
            id: String(index),
            receiptHandle: record.receiptHandle,
            visibilityTimeout: Math.ceil(visibilityTimeoutMs / 1000),
          })),
        });
        for (const entry of result.successful) {
          const record = chunk[Number(entry.id)];
          if (record) heldUntilMs.set(record.messageId, callStartMs + visibilityTimeoutMs);
        }
        if (result.successful.length > 0) this.visibleAgainAtMs = now() + visibilityTimeoutMs;
        if (result.failed.length > 0) {
          this.options.onError(
            new Error(`could not extend ${result.failed.length} messages: ${result.failed[0]?.code}`),
          );
        }
      } catch (error) {
        this.options.onError(error);
      }
    }
    this.schedule();
  }
}

import { MAX_RECEIVE_MESSAGES } from '../engine/limits.js';
import type { SqsEngine } from '../engine/types.js';
import type { SqsRecord } from './sqs-event.js';

/** Extend this long before a record's visibility timeout ends: half the timeout, at most 10 s. */
const MAX_LEAD_MS = 10_000;
/** After a failed extension call, the next try waits this long. */
const RETRY_AFTER_ERROR_MS = 250;

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
  private inFlight: Promise<void> = Promise.resolve();
  private readonly lost = new Set<string>();
  private retryAfterMs = 0;
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

  /** Stops, after the extension in flight (if any) has answered, so `heldUntilMs` is final. */
  async finish(): Promise<void> {
    this.stop();
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    const { heldUntilMs, visibilityTimeoutMs, now } = this.options;
    const candidates = this.candidates().map((record) => heldUntilMs.get(record.messageId) ?? 0);
    if (candidates.length === 0) return;
    const leadMs = Math.min(visibilityTimeoutMs / 2, MAX_LEAD_MS);
    // An estimate already past (a slow receive) is tried at once: the call tells whether it is still held.
    const dueMs = Math.max(Math.min(...candidates) - leadMs, this.retryAfterMs);
    this.timer = setTimeout(
      () => {
        this.inFlight = this.extend();
      },
      Math.max(0, dueMs - now()),
    );
    this.timer.unref?.();
  }

  /** Records not known to be lost: an extension that failed for one (its receipt stale) gives it up. */
  private candidates(): SqsRecord[] {
    return this.options.records.filter((record) => !this.lost.has(record.messageId));
  }

  private async extend(): Promise<void> {
    const { engine, queueName, visibilityTimeoutMs, heldUntilMs, now } = this.options;
    const held = this.candidates();
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
        for (const entry of result.failed) {
          const record = chunk[Number(entry.id)];
          if (record) this.lost.add(record.messageId);
        }
        if (result.failed.length > 0) {
          this.options.onError(
            new Error(`could not extend ${result.failed.length} messages: ${result.failed[0]?.code}`),
          );
        }
      } catch (error) {
        // Storage failing: try again shortly, not in a tight loop.
        this.retryAfterMs = now() + RETRY_AFTER_ERROR_MS;
        this.options.onError(error);
      }
    }
    this.schedule();
  }
}

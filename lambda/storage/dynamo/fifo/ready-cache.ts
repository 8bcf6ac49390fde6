import type { QueueRecord } from '../../store.js';
import type { ReadyGroup } from './items.js';

/** How long this process remembers claimable groups a receive read from the index but did not try. */
const READY_CACHE_MS = 1_000;

/**
 * Claimable groups read from the ready index and left untried, per queue, for the next receive in this
 * process. Each is handed out once, so concurrent receives here try different groups.
 */
export class ReadyGroupCache {
  private readonly byQueue = new Map<string, { readAtMs: number; groups: ReadyGroup[] }>();

  take(queue: QueueRecord, nowMs: number): ReadyGroup | undefined {
    const key = `${queue.id}#${queue.epoch}`;
    const entry = this.byQueue.get(key);
    if (!entry) return undefined;
    if (nowMs - entry.readAtMs > READY_CACHE_MS || entry.groups.length === 0) {
      this.byQueue.delete(key);
      return undefined;
    }
    return entry.groups.shift();
  }

  keep(queue: QueueRecord, groups: ReadyGroup[], nowMs: number): void {
    const key = `${queue.id}#${queue.epoch}`;
    if (groups.length > 0) this.byQueue.set(key, { readAtMs: nowMs, groups });
    // A queue with many groups and queues that went quiet: keep the map small.
    if (this.byQueue.size > 1_000) {
      for (const [other, entry] of this.byQueue)
        if (nowMs - entry.readAtMs > READY_CACHE_MS) this.byQueue.delete(other);
    }
  }
}

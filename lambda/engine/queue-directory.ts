import type { QueueRecord, Store } from '../storage/store.js';
import type { Clock } from './clock.js';
import { QueueDoesNotExist } from './errors.js';
import { checkQueueNameForLookup } from './field-rules.js';

/**
 * Queue records are read on every message action, so each process keeps them briefly. A change made
 * through this process is seen at once; one made through another instance within `maxAgeMs`, as SQS
 * itself documents attribute changes taking a while to propagate.
 */
export class QueueDirectory {
  private readonly cache = new Map<string, { record: QueueRecord; readAtMs: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxAgeMs = 1_000,
  ) {}

  /** The queue of that name; a name no queue can have is `QueueDoesNotExist` without a read. */
  async get(name: string): Promise<QueueRecord> {
    checkQueueNameForLookup(name);
    const cached = this.cache.get(name);
    if (cached && this.clock.nowMs() - cached.readAtMs < this.maxAgeMs) return cached.record;
    const record = await this.store.getQueue(name);
    if (!record) {
      this.cache.delete(name);
      throw new QueueDoesNotExist();
    }
    this.cache.set(name, { record, readAtMs: this.clock.nowMs() });
    return record;
  }

  /** The queue, or undefined when it does not exist. */
  async find(name: string): Promise<QueueRecord | undefined> {
    try {
      return await this.get(name);
    } catch (error) {
      if (error instanceof QueueDoesNotExist) return undefined;
      throw error;
    }
  }

  forget(name: string): void {
    this.cache.delete(name);
  }
}

import type { ConsumerItems } from '../storage/dynamo/consumers.js';
import type { ConsumerRegistration } from './consumer-registration.js';

/** How long a container trusts its copy of the registrations: a new consumer is seen within this. */
export const REGISTRY_TTL_MS = 5_000;

/**
 * The account's consumer registrations, read whole (one strongly consistent Query of a small partition) and
 * kept for `ttlMs`. Concurrent readers share one read; a failed read is not kept.
 */
export class ConsumerRegistry {
  private cached: { readonly readAtMs: number; readonly all: Promise<ConsumerRegistration[]> } | undefined;

  constructor(
    private readonly items: Pick<ConsumerItems, 'list'>,
    private readonly options: { readonly ttlMs?: number; readonly nowMs?: () => number } = {},
  ) {}

  async all(): Promise<ConsumerRegistration[]> {
    const nowMs = (this.options.nowMs ?? Date.now)();
    const ttlMs = this.options.ttlMs ?? REGISTRY_TTL_MS;
    if (this.cached === undefined || nowMs - this.cached.readAtMs >= ttlMs) {
      const all = this.items.list();
      const entry = { readAtMs: nowMs, all };
      this.cached = entry;
      all.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return this.cached.all;
  }

  /** The enabled consumers of one queue. */
  async consumersOf(queueName: string): Promise<ConsumerRegistration[]> {
    return (await this.all()).filter(
      (consumer) => consumer.settings.queueName === queueName && consumer.settings.enabled,
    );
  }

  /**
   * The enabled consumers of a queue someone kicked: a kick means the kicker saw a consumer, so a copy without
   * one (read before the consumer was registered) is read again.
   */
  async consumersOfKicked(queueName: string): Promise<ConsumerRegistration[]> {
    const consumers = await this.consumersOf(queueName);
    if (consumers.length > 0) return consumers;
    this.invalidate();
    return this.consumersOf(queueName);
  }

  /** Forgets the copy: the next read goes to the table. */
  invalidate(): void {
    this.cached = undefined;
  }
}

import type { NewMessage } from '../storage/store.js';
import type { Clock } from './clock.js';

/** Where a Standard queue's message waits: receivers take the normal lane first (docs/design.md, "Fair queues"). */
export type Lane = NonNullable<NewMessage['lane']>;

export interface FairSchedulerOptions {
  /** The time that ages sends out of the window. */
  readonly clock: Clock;
  /** How far back a queue's sends count. @default 60_000 (one minute) */
  readonly windowMs?: number;
  /** A tenant is noisy when it sent more than this fraction of its queue's recent messages... @default 0.1 */
  readonly minShare?: number;
  /** ...and at least this many of them. @default 30 */
  readonly minMessages?: number;
  /**
   * Tenants counted per queue and window. With more tenants than this, the rarest are approximated, never one
   * above `1 / trackedTenants` of the sends, so a tenant with a share above `minShare` is always seen.
   * @default 64
   */
  readonly trackedTenants?: number;
}

/**
 * Fair queues: decides at send whether a Standard queue's tenant (its MessageGroupId) is noisy, so its new
 * messages wait in the noisy lane and quiet tenants' messages are received first.
 *
 * SQS calls a tenant noisy when it holds more than 10 % of the queue's in-flight messages and at least 30 of
 * them, or more than 10 % of the consumers' processing time. The engine does not see in-flight messages per
 * tenant (receipts do not name the tenant, and in a Lambda fleet sends and receives meet different instances),
 * so it applies SQS's thresholds to what it does see: a tenant is noisy while it sent more than 10 % of the
 * queue's messages in the last minute, and at least 30. A tenant that sends that much faster than the others
 * is the one whose backlog would hold them up. Each message without a MessageGroupId is a tenant of its own,
 * as in SQS: it counts towards the queue's total and is never noisy. A tenant that slows down is quiet again
 * once its share of the last minute drops; its earlier messages stay where they were sent.
 *
 * The counts are per process: every instance behind a load balancer sees about the same shares, so every
 * instance calls the same tenants noisy. The window is approximated by two one-window buckets, the older one
 * weighted by how much of it still overlaps the window, as rate limiters do; memory per queue is bounded by
 * `trackedTenants`.
 */
export class FairScheduler {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly minShare: number;
  private readonly minMessages: number;
  private readonly trackedTenants: number;
  private readonly queues = new Map<string, QueueWindow>();
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(options: FairSchedulerOptions) {
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? 60_000;
    this.minShare = options.minShare ?? 0.1;
    this.minMessages = options.minMessages ?? 30;
    this.trackedTenants = options.trackedTenants ?? 64;
  }

  /** Counts one message sent to `queueId` by tenant `groupId` and returns the lane it goes to. */
  laneFor(queueId: string, groupId: string | undefined): Lane {
    const nowMs = this.clock.nowMs();
    this.sweep(nowMs);
    let window = this.queues.get(queueId);
    if (!window) {
      window = new QueueWindow(this.windowMs, this.trackedTenants);
      this.queues.set(queueId, window);
    }
    window.add(groupId, nowMs);
    if (groupId === undefined) return 'normal';
    const sent = window.countOf(groupId, nowMs);
    return sent >= this.minMessages && sent > this.minShare * window.total(nowMs) ? 'noisy' : 'normal';
  }

  /** Forgets queues that sent nothing for two windows, so a long-running process keeps no dead queues. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.windowMs) return;
    this.lastSweepMs = nowMs;
    for (const [queueId, window] of this.queues) {
      if (window.isIdle(nowMs)) this.queues.delete(queueId);
    }
  }
}

/** One queue's recent sends: the current bucket and the one before it, each `windowMs` long. */
class QueueWindow {
  private current: Bucket;
  private previous: Bucket;

  constructor(
    private readonly windowMs: number,
    private readonly trackedTenants: number,
  ) {
    this.current = new Bucket(Number.NEGATIVE_INFINITY, trackedTenants);
    this.previous = this.current;
  }

  add(tenant: string | undefined, nowMs: number): void {
    this.advance(nowMs);
    this.current.add(tenant);
  }

  countOf(tenant: string, nowMs: number): number {
    return this.current.countOf(tenant) + this.previousWeight(nowMs) * this.previous.countOf(tenant);
  }

  total(nowMs: number): number {
    return this.current.total + this.previousWeight(nowMs) * this.previous.total;
  }

  isIdle(nowMs: number): boolean {
    return nowMs - this.current.startMs >= 2 * this.windowMs;
  }

  /** The part of the previous bucket still inside the window that ends now. */
  private previousWeight(nowMs: number): number {
    return Math.max(0, 1 - (nowMs - this.current.startMs) / this.windowMs);
  }

  private advance(nowMs: number): void {
    const startMs = Math.floor(nowMs / this.windowMs) * this.windowMs;
    if (startMs <= this.current.startMs) return;
    this.previous =
      startMs - this.current.startMs === this.windowMs
        ? this.current
        : new Bucket(startMs - this.windowMs, this.trackedTenants);
    this.current = new Bucket(startMs, this.trackedTenants);
  }
}

/**
 * Sends counted in one bucket of time. Tenants are counted with the space-saving algorithm: when the table is
 * full, a new tenant takes the slot of the least counted one and starts from that count plus one, so a
 * tenant's count is never below its true count and at most the evicted count above it.
 */
class Bucket {
  total = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    readonly startMs: number,
    private readonly capacity: number,
  ) {}

  add(tenant: string | undefined): void {
    this.total++;
    if (tenant === undefined) return;
    const count = this.counts.get(tenant);
    if (count !== undefined) {
      this.counts.set(tenant, count + 1);
    } else if (this.counts.size < this.capacity) {
      this.counts.set(tenant, 1);
    } else {
      const [rarest, rarestCount] = this.rarest();
      this.counts.delete(rarest);
      this.counts.set(tenant, rarestCount + 1);
    }
  }

  countOf(tenant: string): number {
    return this.counts.get(tenant) ?? 0;
  }

  private rarest(): [string, number] {
    let rarest: [string, number] = ['', Number.POSITIVE_INFINITY];
    for (const entry of this.counts) {
      if (entry[1] < rarest[1]) rarest = entry;
    }
    return rarest;
  }
}

import { randomInt, randomUUID } from 'node:crypto';
import type { ConcurrencySlot, ConcurrencySlots } from '../../consumers/ports.js';
import type { Db } from './db.js';

/**
 * `maxConcurrency` across dispatcher instances, as leases in DynamoDB (docs/design.md, "Consumers on AWS").
 * A consumer's partition holds one item per held slot (`s#{index}`, at most `maxConcurrency` of them, so the
 * key space itself is the cap) and one wake counter (`w`).
 *
 * - acquire: read the partition (strongly); put a free slot's item on condition that it is absent or its lease
 *   ran out. With every slot held, `ADD` 1 to the wake counter, then read and try once more: a holder that
 *   released before the increment left a slot this second look finds.
 * - release: delete the slot in one transaction with a check that the wake counter is still what its holder
 *   last saw. A wake recorded since fails the check: the slot is deleted alone and the holder is told to poll
 *   again. So a wake is never lost between a holder's last empty receive and its release.
 *
 * A lease lasts until its dispatcher's own deadline (plus a margin), when Lambda has stopped it for sure: a
 * dispatcher that dies holding a slot blocks it no longer than that, and a live one never loses it.
 */
export class DynamoConcurrencySlots implements ConcurrencySlots {
  constructor(
    private readonly db: Db,
    private readonly options: {
      /** When leases taken now end: the dispatcher's deadline plus a margin. */
      readonly leaseUntilMs: () => number;
      readonly nowMs: () => number;
    },
  ) {}

  async acquire(consumerId: string, maxConcurrency: number): Promise<ConcurrencySlot | undefined> {
    const first = await this.tryTake(consumerId, maxConcurrency);
    if (first) return first;
    await this.recordWake(consumerId);
    return this.tryTake(consumerId, maxConcurrency);
  }

  private async tryTake(consumerId: string, maxConcurrency: number): Promise<ConcurrencySlot | undefined> {
    const nowMs = this.options.nowMs();
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': slotPartition(consumerId) },
      ConsistentRead: true,
    });
    let wakes = 0;
    const held = new Set<number>();
    for (const item of out.Items ?? []) {
      if (item.sk === WAKE_SORT_KEY) wakes = Number(item.n ?? 0);
      else if (Number(item.untilMs) > nowMs) held.add(indexOfSlot(String(item.sk)));
    }
    const free: number[] = [];
    for (let index = 0; index < maxConcurrency && free.length < MAX_TRIES; index += 1) {
      if (!held.has(index)) free.push(index);
    }
    // Concurrent acquirers that read the same free slots start at different ones.
    const start = free.length > 0 ? randomInt(free.length) : 0;
    for (let i = 0; i < free.length; i += 1) {
      const index = free[(start + i) % free.length] as number;
      const slot = await this.take(consumerId, index, wakes);
      if (slot) return slot;
    }
    return undefined;
  }

  private async take(consumerId: string, index: number, wakes: number): Promise<ConcurrencySlot | undefined> {
    const owner = randomUUID();
    const untilMs = this.options.leaseUntilMs();
    const key = slotKey(consumerId, index);
    const result = await this.db.putItem({
      Item: { ...key, owner, untilMs, ttl: ttlOf(untilMs) },
      ConditionExpression: `${slotIsFree}`,
      ExpressionAttributeValues: { ':now': this.options.nowMs() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // A retry that fails on its own first attempt's lease finds its owner id there: the slot is ours.
    const ours = result.applied || (result.maybeApplied && result.old?.owner === owner);
    if (!ours) return undefined;
    let seenWakes = wakes;
    let released = false;
    return {
      release: async () => {
        if (released) return { wokenMeanwhile: false };
        released = true;
        const woken = await this.release(key, owner, seenWakes);
        seenWakes = Number.NaN;
        return { wokenMeanwhile: woken };
      },
    };
  }

  /** True when a wake came since `seenWakes`: the slot is released all the same, and its holder polls again. */
  private async release(key: SlotKey, owner: string, seenWakes: number): Promise<boolean> {
    const wakeKey = { pk: key.pk, sk: WAKE_SORT_KEY };
    const wakeUnchanged = seenWakes === 0 ? 'attribute_not_exists(n) OR n = :seen' : 'n = :seen';
    const reasons = await this.db.transactWrite([
      {
        ConditionCheck: {
          Key: wakeKey,
          ConditionExpression: wakeUnchanged,
          ExpressionAttributeValues: { ':seen': seenWakes },
        },
      },
      {
        Delete: {
          Key: key,
          ConditionExpression: holdsLease,
          ExpressionAttributeNames: ownerName,
          ExpressionAttributeValues: { ':owner': owner },
        },
      },
    ]);
    if (!reasons) return false;
    if (reasons[0]?.code !== 'ConditionalCheckFailed') {
      // Only the lease's condition failed: it ran out and another dispatcher holds the slot now, polling.
      return false;
    }
    await this.db.delete({
      Key: key,
      ConditionExpression: holdsLease,
      ExpressionAttributeNames: ownerName,
      ExpressionAttributeValues: { ':owner': owner },
    });
    return true;
  }

  private async recordWake(consumerId: string): Promise<void> {
    // Not conditional, so a retry after a lost answer may add 2: any change of the count is a wake.
    await this.db.update({
      Key: { pk: slotPartition(consumerId), sk: WAKE_SORT_KEY },
      UpdateExpression: 'ADD n :one SET #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':ttl': ttlOf(this.options.nowMs() + WAKE_KEPT_MS) },
    });
  }
}

/** A consumer's slots and wake counter. */
export function slotPartition(consumerId: string): string {
  return `CS#${consumerId}`;
}

type SlotKey = { readonly pk: string; readonly sk: string };

function slotKey(consumerId: string, index: number): SlotKey {
  return { pk: slotPartition(consumerId), sk: `s#${String(index).padStart(4, '0')}` };
}

function indexOfSlot(sk: string): number {
  return Number(sk.slice(2));
}

const WAKE_SORT_KEY = 'w';
/** Free slots tried per look: enough for a burst of acquirers, few enough for one dispatcher's budget. */
const MAX_TRIES = 16;
/** A wake counter nobody touched for this long is garbage: TTL removes it (a missing counter reads as 0). */
const WAKE_KEPT_MS = 86_400_000;
const slotIsFree = 'attribute_not_exists(pk) OR untilMs <= :now';
const holdsLease = '#owner = :owner';
/** `owner` is a DynamoDB reserved word. */
const ownerName = { '#owner': 'owner' };

/** Leases past their end are garbage a day later; TTL collects them. */
function ttlOf(untilMs: number): number {
  return Math.ceil((untilMs + 86_400_000) / 1000);
}

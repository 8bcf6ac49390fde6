import type { Receipt } from '../../../engine/receipt-handle.js';
import { VISIBILITY_CHANGE, type VisibilityChange } from '../../store.js';
import type { Db } from '../db.js';
import { isLaneMarker, type LaneMarker } from '../lanes.js';
import { dueBound, isWakeSortKey, wakeSortKey } from '../schema.js';
import { ttlFor } from '../ttl.js';
import { exists, type StateItem, stateKey, visibleAt, type WakeItem } from './items.js';

/**
 * ChangeMessageVisibility on a Standard queue: sets `vt` on the state item this receipt's receive holds, and
 * leaves a wake pointer when that makes the message visible before the time in its key.
 */
export async function changeVisibility(
  db: Db,
  receipt: Receipt,
  visibleAtMs: number,
  nowMs: number,
): Promise<VisibilityChange> {
  const key = stateKey(receipt);
  const heldByThisReceipt = 'rt = :rt';
  const inflight = '((attribute_exists(vt) AND vt > :now) OR (attribute_not_exists(vt) AND sk > :due))';
  const changed = await db.updateItem({
    Key: key,
    UpdateExpression: 'SET vt = :vt',
    ConditionExpression: `${exists} AND ${heldByThisReceipt} AND ${inflight}`,
    ExpressionAttributeValues: {
      ':rt': receipt.receiveId,
      ':now': nowMs,
      ':due': dueBound(nowMs),
      ':vt': visibleAtMs,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
  if (!changed.applied) {
    const item = changed.old;
    if (item?.rt !== receipt.receiveId) return VISIBILITY_CHANGE.receiptExpired;
    // A retry of a change to 0 s, whose first attempt was applied, finds the message no longer in flight.
    if (!(changed.maybeApplied && item.vt === visibleAtMs)) return VISIBILITY_CHANGE.notInflight;
  }
  // Receivers only look at keys that are due, so a message made visible before its key's time needs a
  // pointer at the new time. If the pointer write is lost, the message still returns at its key's time.
  if (visibleAtMs < receipt.visibleAtMs) {
    const wake: WakeItem = {
      pk: key.pk,
      sk: wakeSortKey(visibleAtMs, receipt.messageId),
      tgt: key.sk,
      rt: receipt.receiveId,
    };
    await db.put({ Item: { ...wake, ttl: ttlFor(nowMs) } });
  }
  return VISIBILITY_CHANGE.changed;
}

/** The state items that due wake pointers name, when still held by the receive the pointer was made for. */
async function resolveWakes(
  db: Db,
  wakes: WakeItem[],
  nowMs: number,
): Promise<{ item: StateItem; wake: WakeItem }[]> {
  const resolved = await Promise.all(
    wakes.map(async (wake) => {
      const item = (await db.get({ Key: { pk: wake.pk, sk: wake.tgt }, ConsistentRead: true })) as
        | StateItem
        | undefined;
      if (item && item.rt === wake.rt && visibleAt(item) <= nowMs) return { item, wake };
      // Deleted, received again, or extended by a later change (which leaves its own pointer if it needs one).
      await db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
      return undefined;
    }),
  );
  return resolved.filter((r): r is { item: StateItem; wake: WakeItem } => r !== undefined);
}

/**
 * The due messages among the items of one timeline read: state items whose visibility has come, and the items
 * that due wake pointers name. An item whose own key became due as well is read twice (directly and through its
 * pointer); it is tried once, with its pointer attached so the pointer goes with the claim. Lane markers go to
 * `onMarker`.
 */
export async function dueCandidates(
  db: Db,
  items: readonly (StateItem | WakeItem | LaneMarker)[],
  nowMs: number,
  onMarker: (marker: LaneMarker) => void = () => {},
): Promise<{ item: StateItem; wake?: WakeItem }[]> {
  const bySortKey = new Map<string, { item: StateItem; wake?: WakeItem }>();
  const wakes: WakeItem[] = [];
  for (const item of items) {
    if (isLaneMarker(item)) onMarker(item);
    else if (isWakeSortKey(item.sk)) wakes.push(item as WakeItem);
    else if (visibleAt(item as StateItem) <= nowMs) bySortKey.set(item.sk, { item: item as StateItem });
  }
  for (const woken of await resolveWakes(db, wakes, nowMs)) {
    const direct = bySortKey.get(woken.item.sk);
    if (direct) direct.wake ??= woken.wake;
    else bySortKey.set(woken.item.sk, woken);
  }
  return [...bySortKey.values()];
}

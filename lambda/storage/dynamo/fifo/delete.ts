import type { GroupReceipt } from '../../../engine/receipt-handle.js';
import { type DeleteOutcome, VISIBILITY_CHANGE, type VisibilityChange } from '../../store.js';
import type { Db } from '../db.js';
import { storageThrottled } from '../retry-policy.js';
import { GROUP_SORT_KEY, groupMessageSortKey, groupPartition } from '../schema.js';
import { forgetReceives, type GroupItem, leaseOf, MAX_ATTEMPTS, namesFor, receiptsByGroup } from './items.js';

/**
 * Deletes, one compare-and-set per group. A receipt whose lock is no longer current, or whose visibility
 * timeout ran out, deletes nothing and answers `expired` (SQS fails such a delete on FIFO queues).
 */
export async function deleteMessages(
  db: Db,
  receipts: readonly GroupReceipt[],
  nowMs: number,
): Promise<Map<GroupReceipt, DeleteOutcome>> {
  const byGroup = receiptsByGroup(receipts);
  const outcomes = new Map<GroupReceipt, DeleteOutcome>();
  await Promise.all(
    [...byGroup].map(async ([pk, group]) => {
      for (const [receipt, outcome] of await deleteFromGroup(db, pk, group, nowMs)) {
        outcomes.set(receipt, outcome);
      }
    }),
  );
  return outcomes;
}

/**
 * ChangeMessageVisibility on a FIFO queue: a compare-and-set on the group's lock version that moves the one
 * message's entry in `held`, and with it the lock's lease.
 */
export async function changeVisibility(
  db: Db,
  receipt: GroupReceipt,
  visibleAtMs: number,
  nowMs: number,
): Promise<VisibilityChange> {
  const key = { pk: groupPartition(receipt.queueId, receipt.epoch, receipt.groupId), sk: GROUP_SORT_KEY };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const group = (await db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
    const current = group?.rt === receipt.receiveId ? group.held?.[receipt.sequenceNumber] : undefined;
    if (!group || current === undefined) return VISIBILITY_CHANGE.receiptExpired;
    // A retry finding exactly the time it set: its earlier attempt was applied, only the answer lost.
    if (attempt > 0 && current === visibleAtMs) return VISIBILITY_CHANGE.changed;
    if (current <= nowMs) return VISIBILITY_CHANGE.notInflight;
    const held = { ...group.held, [receipt.sequenceNumber]: visibleAtMs };
    const update = 'SET #held = :held, #gsk = :lease, #lv = #lv + :one';
    const changed = await db.update({
      Key: key,
      UpdateExpression: update,
      ConditionExpression: '#lv = :lv',
      ExpressionAttributeNames: namesFor(update, '#lv'),
      ExpressionAttributeValues: { ':held': held, ':lease': leaseOf(held), ':one': 1, ':lv': group.lv },
    });
    if (changed) return VISIBILITY_CHANGE.changed;
  }
  throw storageThrottled();
}

async function deleteFromGroup(
  db: Db,
  pk: string,
  receipts: readonly GroupReceipt[],
  nowMs: number,
): Promise<Map<GroupReceipt, DeleteOutcome>> {
  const key = { pk, sk: GROUP_SORT_KEY };
  const outcomes = new Map<GroupReceipt, DeleteOutcome>(receipts.map((r) => [r, 'deleted']));
  if (await deleteWholeLock(db, pk, receipts, nowMs)) return outcomes;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const group = (await db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
    if (!group) return outcomes;
    const held = group.held ?? {};
    const deleted = new Set<string>();
    for (const receipt of receipts) {
      const visibleAt = receipt.receiveId === group.rt ? held[receipt.sequenceNumber] : undefined;
      if (receipt.sequenceNumber <= group.ack && visibleAt === undefined) {
        // Gone already, and it can never come back: most often this very delete, applied with its answer lost
        // before another receive locked the group again. Success is the true answer.
        outcomes.set(receipt, 'deleted');
      } else if (receipt.receiveId !== group.rt || (visibleAt !== undefined && visibleAt <= nowMs)) {
        outcomes.set(receipt, 'expired');
      } else if (visibleAt !== undefined) {
        deleted.add(receipt.sequenceNumber);
      }
      // Otherwise this lock already deleted it.
    }
    if (deleted.size === 0) return outcomes;
    const heldInOrder = Object.keys(held).sort();
    const remaining = heldInOrder.filter((seq) => !deleted.has(seq));
    // The acknowledged prefix moves over the deleted head of the lock; a message deleted behind one still
    // held is removed from the partition instead, so a later lock skips it.
    let ack = group.ack;
    for (const seq of heldInOrder) {
      if (!deleted.has(seq)) break;
      ack = seq;
    }
    const removedItems = [...deleted].filter((seq) => seq > ack);
    const names: Record<string, string> = {};
    const removes = forgetReceives([...deleted], names);
    const values: Record<string, unknown> = {
      ':ack': ack,
      ':one': 1,
      ':lv': group.lv,
      ':deleted': -deleted.size,
    };
    const sets = ['#ack = :ack', '#lv = #lv + :one'];
    let condition = '#lv = :lv';
    if (remaining.length > 0) {
      const still = Object.fromEntries(remaining.map((seq) => [seq, held[seq] as number]));
      sets.push('#held = :held', '#gsk = :lease');
      values[':held'] = still;
      values[':lease'] = leaseOf(still);
    } else if (group.last === ack) {
      // The group has nothing left: out of the ready index, unless a send arrives first.
      removes.push('#held', '#gsk');
      condition += ' AND #last = :ack';
    } else {
      removes.push('#held');
      sets.push('#gsk = :now');
      values[':now'] = nowMs;
    }
    const update = `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD #n :deleted`;
    const groupUpdate = {
      Key: key,
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeNames: { ...namesFor(update, condition), ...names },
      ExpressionAttributeValues: values,
    };
    if (removedItems.length === 0) {
      if (await db.update(groupUpdate)) return outcomes;
    } else {
      const reasons = await db.transactWrite([
        { Update: groupUpdate },
        ...removedItems.map((seq) => ({ Delete: { Key: { pk, sk: groupMessageSortKey(seq) } } })),
      ]);
      if (!reasons) return outcomes;
    }
    for (const receipt of receipts) outcomes.set(receipt, 'deleted');
  }
  throw storageThrottled();
}

/**
 * The common case without a read: the receipts are every message of one lock, and the lock is as its
 * receive left it (same version), so the group item's state is known from the receipts alone. False when
 * that does not hold; the caller then reads the group.
 */
async function deleteWholeLock(
  db: Db,
  pk: string,
  receipts: readonly GroupReceipt[],
  nowMs: number,
): Promise<boolean> {
  const lock = receipts[0]?.lock;
  const receiveId = receipts[0]?.receiveId;
  const sequences = new Set(receipts.filter((r) => r.receiveId === receiveId).map((r) => r.sequenceNumber));
  if (!lock || sequences.size !== lock.size || sequences.size !== receipts.length) return false;
  const names: Record<string, string> = {};
  const removes = ['#held', ...forgetReceives([...sequences], names)];
  const values: Record<string, unknown> = {
    ':ack': lock.last,
    ':one': 1,
    ':lv': lock.version,
    ':deleted': -sequences.size,
    ':now': nowMs,
  };
  const sets = ['#ack = :ack', '#lv = #lv + :one'];
  // Unchanged since the receive, so every message of the lock is visible again at `gsk`.
  let condition = '#lv = :lv AND #gsk > :now';
  if (lock.groupLast === lock.last) {
    // Nothing was sent after the lock's messages when it was taken; if that still holds, the group is empty.
    removes.push('#gsk');
    condition += ' AND #last = :ack';
  } else {
    sets.push('#gsk = :now');
  }
  const update = `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD #n :deleted`;
  return (
    (await db.update({
      Key: { pk, sk: GROUP_SORT_KEY },
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeNames: { ...namesFor(update, condition), ...names },
      ExpressionAttributeValues: values,
    })) !== undefined
  );
}

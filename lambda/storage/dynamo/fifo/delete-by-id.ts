import type { DeleteByIdOutcome, MessageLocator, QueueRecord } from '../../store.js';
import type { Db } from '../db.js';
import { storageThrottled } from '../retry-policy.js';
import { GROUP_SORT_KEY, groupMessageSortKey, groupPartition, sequenceOfSortKey } from '../schema.js';
import {
  forgetReceives,
  type GroupItem,
  leaseOf,
  MAX_ATTEMPTS,
  type MessageItem,
  namesFor,
} from './items.js';

type GroupLocator = Extract<MessageLocator, { kind: 'group' }>;

/**
 * Deletes one FIFO message without a receipt, whatever its state, by the same compare-and-set on the group's lock
 * version (`lv`) as a delete by receipt, so no receive can lock the group on a view from before it:
 *
 * - the group's head (the first message after `ack`) is acknowledged: `ack` moves over it;
 * - any other message is removed from the partition in one transaction with the group update, as a receipt delete
 *   removes a message deleted behind one still held, so a later lock skips it;
 * - its receive count and first receive time are forgotten, `n` drops by one, and when it was held by the current
 *   lock it leaves `held` (the lock's other messages stay in flight; when none is left the group is claimable now);
 * - when it was the group's last message, the group leaves the ready index on condition that no send came since.
 *
 * The lock's token `rt` is not changed, so the consumer holding the lock can still delete its other messages; its
 * delete of this one answers success (the message is acknowledged or gone), its visibility change "expired".
 */
export async function deleteMessageById(
  db: Db,
  queue: QueueRecord,
  locator: GroupLocator,
  nowMs: number,
): Promise<DeleteByIdOutcome> {
  if (locator.epoch !== queue.epoch) return 'notFound';
  const pk = groupPartition(queue.id, queue.epoch, locator.groupId);
  const seq = locator.sequenceNumber;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const group = (await db.get({ Key: { pk, sk: GROUP_SORT_KEY }, ConsistentRead: true })) as
      | GroupItem
      | undefined;
    const [head, item] = group
      ? await Promise.all([
          headOf(db, group),
          db.get({ Key: { pk, sk: groupMessageSortKey(seq) }, ConsistentRead: true }) as Promise<
            MessageItem | undefined
          >,
        ])
      : [undefined, undefined];
    // A retry finding it gone: an earlier attempt's write was applied with its answer lost.
    if (!group || !item || item.id !== locator.messageId || seq <= group.ack) {
      return attempt > 0 ? 'deleted' : 'notFound';
    }
    // Read after the group item: if the update's `lv` condition holds, no delete or lock changed the head since.
    const isHead = head === seq;
    const update = groupUpdate(group, seq, isHead, nowMs);
    const applied = isHead
      ? (await db.updateItem(update)).applied
      : (await db.transactWrite([
          { Update: update },
          { Delete: { Key: { pk, sk: groupMessageSortKey(seq) } } },
        ])) === undefined;
    if (applied) return 'deleted';
  }
  throw storageThrottled();
}

/**
 * The sequence number of the group's first message item after its acknowledged prefix, read strongly. Items
 * are removed behind the head only, so this is the oldest undeleted message.
 */
async function headOf(db: Db, group: GroupItem): Promise<string | undefined> {
  const out = await db.query({
    KeyConditionExpression: 'pk = :pk AND sk > :after',
    ExpressionAttributeValues: { ':pk': group.pk, ':after': groupMessageSortKey(group.ack) },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
    Limit: 1,
  });
  const first = out.Items?.[0];
  return first ? sequenceOfSortKey(String(first.sk)) : undefined;
}

function groupUpdate(group: GroupItem, seq: string, isHead: boolean, nowMs: number) {
  const names: Record<string, string> = {};
  const removes = forgetReceives([seq], names);
  const values: Record<string, unknown> = { ':one': 1, ':lv': group.lv, ':deleted': -1 };
  const sets = ['#lv = #lv + :one'];
  let condition = '#lv = :lv';
  if (isHead) {
    sets.push('#ack = :ack');
    values[':ack'] = seq;
  }
  const held = { ...(group.held ?? {}) };
  const wasHeld = held[seq] !== undefined;
  delete held[seq];
  const stillLocked = Object.keys(held).length > 0 && leaseOf(held) > nowMs;
  if (group.n - 1 <= 0) {
    // Nothing left: out of the ready index, unless a send arrives first.
    removes.push('#held', '#gsk');
    condition += ' AND #last = :last';
    values[':last'] = group.last;
  } else if (stillLocked) {
    if (wasHeld) {
      sets.push('#held = :held', '#gsk = :lease');
      values[':held'] = held;
      values[':lease'] = leaseOf(held);
    }
  } else {
    // No lock holds the group (any more): claimable now; a receive that finds the head delayed sets its time.
    removes.push('#held');
    sets.push('#gsk = :now');
    values[':now'] = nowMs;
  }
  const expression = `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD #n :deleted`;
  return {
    Key: { pk: group.pk, sk: GROUP_SORT_KEY },
    UpdateExpression: expression,
    ConditionExpression: condition,
    ExpressionAttributeNames: { ...namesFor(expression, condition), ...names },
    ExpressionAttributeValues: values,
  };
}

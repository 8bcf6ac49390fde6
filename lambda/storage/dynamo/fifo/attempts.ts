import { DEDUPLICATION_INTERVAL_MS } from '../../../engine/limits.js';
import type { GroupReceipt } from '../../../engine/receipt-handle.js';
import type { ClaimedMessage, ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import { GROUP_SORT_KEY, groupMessageSortKey, groupPartition, receiveAttemptKey } from '../schema.js';
import { ttlAfter } from '../ttl.js';
import { contentOf } from './content.js';
import { type AttemptItem, type GroupItem, type MessageItem, namesFor, receiptsByGroup } from './items.js';

/** Remembers what a receive with a receive request attempt id returned, for a retry of it to get the same. */
export async function recordAttempt(
  db: Db,
  request: ReceiveRequest,
  attemptId: string,
  received: readonly ClaimedMessage<GroupReceipt>[],
): Promise<void> {
  const attempt: AttemptItem = {
    ...receiveAttemptKey(request.queue.id, attemptId),
    exp: request.nowMs + DEDUPLICATION_INTERVAL_MS,
    r: received.map((m) => m.receipt),
    ttl: ttlAfter(request.nowMs, DEDUPLICATION_INTERVAL_MS),
  };
  await db.put({ Item: { ...attempt } });
}

/**
 * A retried receive with the same attempt id gets the same messages and receipt handles, with their
 * visibility timeout restarted, while its lock still holds all of them; otherwise it receives afresh.
 */
export async function replayAttempt(
  db: Db,
  request: ReceiveRequest,
  attemptId: string,
): Promise<ClaimedMessage<GroupReceipt>[] | undefined> {
  const attempt = (await db.get({
    Key: receiveAttemptKey(request.queue.id, attemptId),
    ConsistentRead: true,
  })) as AttemptItem | undefined;
  if (!attempt || attempt.exp <= request.nowMs || attempt.r.length === 0) return undefined;
  if (attempt.r.some((r) => r.queueId !== request.queue.id || r.epoch !== request.queue.epoch))
    return undefined;
  const byGroup = receiptsByGroup(attempt.r);
  const lease = Math.max(request.nowMs, Date.now()) + request.visibilityTimeoutMs;
  const groups = new Map<string, GroupItem>();
  for (const [pk, receipts] of byGroup) {
    const group = (await db.get({ Key: { pk, sk: GROUP_SORT_KEY }, ConsistentRead: true })) as
      | GroupItem
      | undefined;
    const intact =
      group?.held !== undefined &&
      Object.keys(group.held).length === receipts.length &&
      receipts.every((r) => r.receiveId === group.rt && group.held?.[r.sequenceNumber] !== undefined);
    if (!group || !intact) return undefined;
    groups.set(pk, group);
  }
  for (const [pk, group] of groups) {
    const held = Object.fromEntries(Object.keys(group.held ?? {}).map((seq) => [seq, lease]));
    const update = 'SET #held = :held, #gsk = :lease, #lv = #lv + :one';
    const renewed = await db.update({
      Key: { pk, sk: GROUP_SORT_KEY },
      UpdateExpression: update,
      ConditionExpression: '#lv = :lv',
      ExpressionAttributeNames: namesFor(update, '#lv'),
      ExpressionAttributeValues: { ':held': held, ':lease': lease, ':one': 1, ':lv': group.lv },
    });
    if (!renewed) return undefined;
  }
  const items = (await db.batchGet(
    attempt.r.map((r) => ({
      pk: groupPartition(r.queueId, r.epoch, r.groupId),
      sk: groupMessageSortKey(r.sequenceNumber),
    })),
    true,
  )) as unknown as MessageItem[];
  const bySortKey = new Map(items.map((item) => [`${item.pk} ${item.sk}`, item]));
  const replayed: ClaimedMessage<GroupReceipt>[] = [];
  for (const receipt of attempt.r) {
    const pk = groupPartition(receipt.queueId, receipt.epoch, receipt.groupId);
    const item = bySortKey.get(`${pk} ${groupMessageSortKey(receipt.sequenceNumber)}`);
    const group = groups.get(pk) as GroupItem;
    if (!item) return undefined;
    replayed.push({
      receipt,
      messageId: item.id,
      sentMs: item.st,
      receiveCount: group.rc[receipt.sequenceNumber] ?? 1,
      firstReceiveMs: group.fr[receipt.sequenceNumber] ?? receipt.receivedAtMs,
      visibleUntilMs: lease,
      sequenceNumber: receipt.sequenceNumber,
      content: await contentOf(db, item),
      ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
    });
  }
  return replayed;
}

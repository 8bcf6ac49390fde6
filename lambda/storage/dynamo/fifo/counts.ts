import type { MessageCounts, QueueRecord } from '../../store.js';
import type { Db } from '../db.js';
import {
  GROUP_SORT_KEY,
  groupMessageSortKey,
  READY_INDEX,
  readyPartition,
  sequenceOfSortKey,
} from '../schema.js';
import { range } from '../shuffle.js';
import { type GroupItem, namesFor, sequenceTimeMs } from './items.js';

/**
 * Counts from the group items of the groups in the ready index: O(groups with messages) reads. With
 * `withOldest`, also the oldest message's sequence number, which starts with the time it entered the queue.
 */
export async function countMessages(
  db: Db,
  queue: QueueRecord,
  nowMs: number,
  withOldest: boolean,
): Promise<MessageCounts> {
  let visible = 0;
  let inflight = 0;
  let delayed = 0;
  let oldest: string | undefined;
  for (const shard of range(queue.shards)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db.query({
        IndexName: READY_INDEX,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: namesFor('#gpk'),
        ExpressionAttributeValues: { ':gpk': readyPartition(queue.id, queue.epoch, shard) },
        ExclusiveStartKey: startKey,
      });
      const keys = (out.Items ?? []).map((item) => ({ pk: item.pk, sk: GROUP_SORT_KEY }));
      for (let start = 0; start < keys.length; start += 100) {
        const groups = (await db.batchGet(keys.slice(start, start + 100), false)) as unknown as GroupItem[];
        for (const group of groups) {
          const held = Object.values(group.held ?? {}).filter((visibleAt) => visibleAt > nowMs).length;
          if (held > 0) {
            inflight += held;
            visible += Math.max(0, group.n - held);
          } else if ((group.gsk ?? 0) > nowMs) {
            // No lock, and the group cannot be claimed yet: its head is still delayed.
            delayed += group.n;
          } else {
            visible += group.n;
          }
        }
        if (withOldest) {
          for (const head of await Promise.all(groups.map((group) => headSequence(db, group)))) {
            if (head !== undefined && (oldest === undefined || head < oldest)) oldest = head;
          }
        }
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
  const oldestMs = oldest === undefined ? undefined : sequenceTimeMs(oldest);
  return { visible, inflight, delayed, ...(oldestMs !== undefined ? { oldestMs } : {}) };
}

/**
 * The sequence number of the group's oldest undeleted message. A group is received in order, so when any of
 * its messages was received, the oldest of those is the head; otherwise one Query (eventually consistent,
 * key only) reads the first message after the acknowledged prefix.
 */
async function headSequence(db: Db, group: GroupItem): Promise<string | undefined> {
  if (group.n <= 0) return undefined;
  const received = Object.keys(group.rc ?? {}).sort();
  if (received[0] !== undefined) return received[0];
  const out = await db.query({
    KeyConditionExpression: 'pk = :pk AND sk > :after',
    ExpressionAttributeValues: { ':pk': group.pk, ':after': groupMessageSortKey(group.ack) },
    ProjectionExpression: 'sk',
    Limit: 1,
  });
  const first = out.Items?.[0];
  return first ? sequenceOfSortKey(String(first.sk)) : undefined;
}

import type { MessageCounts, QueueRecord } from '../../store.js';
import { isLaneMarker, type Lane, type LaneMarker, laneShards } from '../lanes.js';
import { isWakeSortKey, timelinePartition } from '../schema.js';
import { type StateItem, type TimelineContext, visibleAt } from './items.js';

/**
 * SQS moves a Standard message received this many times without a delete to the back of its queue, and its
 * ApproximateAgeOfOldestMessage then shows the next message's age (Developer Guide, available CloudWatch metrics).
 */
const POISON_RECEIVE_COUNT = 3;

/** What a count adds up: the counts, and when the oldest message (and the oldest not received 3 times) entered. */
interface Tally {
  visible: number;
  inflight: number;
  delayed: number;
  oldest: { any?: number; fresh?: number };
}

/**
 * Counts the normal lane, and the noisy lane too when the normal lane's markers say it may hold messages. The
 * Query reads every state item anyway, so finding the oldest message costs nothing more.
 */
export async function countMessages(
  context: TimelineContext,
  queue: QueueRecord,
  nowMs: number,
  retentionMs: number,
): Promise<MessageCounts> {
  const tally: Tally = { visible: 0, inflight: 0, delayed: 0, oldest: {} };
  await countLane(context, queue, 'normal', nowMs, retentionMs, tally);
  if (context.lanes.mayHoldMessages(queue, retentionMs, nowMs)) {
    await countLane(context, queue, 'noisy', nowMs, retentionMs, tally);
  }
  const { visible, inflight, delayed, oldest } = tally;
  // SQS leaves messages received 3 times or more out of the age (it moves them to the back of the queue),
  // unless nothing else is left.
  const oldestMs = oldest.fresh ?? oldest.any;
  return { visible, inflight, delayed, ...(oldestMs !== undefined ? { oldestMs } : {}) };
}

async function countLane(
  { db, lanes }: TimelineContext,
  queue: QueueRecord,
  lane: Lane,
  nowMs: number,
  retentionMs: number,
  tally: Tally,
): Promise<void> {
  // The partitions are read side by side: a deep queue's count takes a quarter of the time it would in turn.
  const countShard = async (shard: number) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': timelinePartition(queue.id, queue.epoch, shard) },
        ProjectionExpression: 'sk, rc, vt, st, ms, src, mv',
        ExclusiveStartKey: startKey,
      });
      for (const item of (out.Items ?? []) as (StateItem | LaneMarker)[]) {
        if (isLaneMarker(item)) {
          lanes.learn(queue, item.ms);
          continue;
        }
        if (isWakeSortKey(item.sk) || item.st + retentionMs <= nowMs) continue;
        if (visibleAt(item) <= nowMs) tally.visible++;
        else if (item.rc > 0) tally.inflight++;
        else tally.delayed++;
        // A message moved to this dead-letter queue is as old as its stay here, as in SQS.
        const enteredMs = item.mv ?? item.st;
        tally.oldest.any = Math.min(tally.oldest.any ?? enteredMs, enteredMs);
        if (item.src !== undefined || item.rc < POISON_RECEIVE_COUNT) {
          tally.oldest.fresh = Math.min(tally.oldest.fresh ?? enteredMs, enteredMs);
        }
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  };
  await Promise.all(laneShards(queue, lane).map(countShard));
}

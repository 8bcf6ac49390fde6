import { randomUUID } from 'node:crypto';
import type { DeadLetterTarget, QueueRecord, RedriveRequest, RedriveResult } from '../../store.js';
import { type Lane, type LaneMarker, laneShards, randomLaneShard } from '../lanes.js';
import { encodeContent } from '../message-content.js';
import { queueStillExists } from '../queue-guard.js';
import { bodyPartition, bodySortKey, dueBound, timelinePartition, timelineSortKey } from '../schema.js';
import { ttlFor } from '../ttl.js';
import { readContents } from './content.js';
import { MIN_WINDOW, type StateItem, type TimelineContext, unchangedSince, type WakeItem } from './items.js';
import { dueCandidates } from './visibility.js';

/**
 * Moves a message received `maxReceiveCount` times to the dead-letter queue: one transaction deletes the
 * state item as this receiver saw it and puts it, visible at once, into the dead-letter queue's timeline,
 * so the message is in exactly one of the two queues whatever fails. It keeps its id, content (shared),
 * send time (retention counts from it, as in SQS) and receive count. False when another receiver took it first.
 */
export async function moveToDeadLetter(
  { db, accountId }: TimelineContext,
  target: DeadLetterTarget,
  item: StateItem,
  nowMs: number,
): Promise<boolean> {
  const moved: StateItem = {
    pk: timelinePartition(target.queue.id, target.queue.epoch, randomLaneShard(target.queue, 'normal')),
    sk: timelineSortKey(nowMs, item.id),
    id: item.id,
    st: item.st,
    rc: item.rc,
    ...(item.fr !== undefined ? { fr: item.fr } : {}),
    n: item.n,
    ttl: item.ttl,
    src: target.sourceArn,
    mv: nowMs,
  };
  const reasons = await db.transactWrite([
    { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
    { Put: { Item: { ...moved }, ConditionExpression: 'attribute_not_exists(pk)' } },
    queueStillExists(accountId, target.queue),
  ]);
  return reasons === undefined;
}

/**
 * A move task's step on a Standard dead-letter queue: due messages, oldest first per partition, each moved
 * by one transaction (conditional delete here, put there) after its content was copied under its new id.
 */
export async function redriveMessages(
  context: TimelineContext,
  request: RedriveRequest,
): Promise<RedriveResult> {
  const { db, lanes: noisyLanes } = context;
  const { source, nowMs } = request;
  const lanes: Lane[] = noisyLanes.mayHoldMessages(source, request.retentionMs, nowMs)
    ? ['normal', 'noisy']
    : ['normal'];
  let moved = 0;
  let unroutable = 0;
  let remaining = false;
  for (const lane of lanes) {
    for (const shard of laneShards(source, lane)) {
      const out = await db.query({
        KeyConditionExpression: 'pk = :pk AND sk <= :due',
        ExpressionAttributeValues: {
          ':pk': timelinePartition(source.id, source.epoch, shard),
          ':due': dueBound(nowMs),
        },
        ConsistentRead: true,
        Limit: Math.max(MIN_WINDOW, request.max - moved + 1),
      });
      // Messages made visible early by ChangeMessageVisibility are found through their wake pointers.
      const items = (out.Items ?? []) as (StateItem | WakeItem | LaneMarker)[];
      for (const { item, wake } of await dueCandidates(db, items, nowMs)) {
        if (item.st + request.retentionMs <= nowMs) continue;
        const destination = await request.destination(item.src);
        if (!destination) {
          unroutable++;
          continue;
        }
        if (moved >= request.max) return { moved, remaining: true, unroutable };
        if (await redriveOne(context, item, destination, nowMs)) {
          moved++;
          if (wake) await db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
        }
      }
      if (out.LastEvaluatedKey) remaining = true;
    }
  }
  return { moved, remaining, unroutable };
}

async function redriveOne(
  { db, accountId }: TimelineContext,
  item: StateItem,
  destination: QueueRecord,
  nowMs: number,
): Promise<boolean> {
  const content = (await readContents(db, [{ messageId: item.id, chunks: item.n }])).get(item.id);
  if (!content) return false;
  const messageId = randomUUID();
  const chunks = encodeContent(content);
  const ttl = ttlFor(nowMs);
  await db.batchWrite(
    chunks.map((chunk, k) => ({
      PutRequest: { Item: { pk: bodyPartition(messageId), sk: bodySortKey(k), p: chunk, ttl } },
    })),
  );
  const redriven: StateItem = {
    pk: timelinePartition(destination.id, destination.epoch, randomLaneShard(destination, 'normal')),
    sk: timelineSortKey(nowMs, messageId),
    id: messageId,
    st: nowMs,
    rc: 0,
    n: chunks.length,
    ttl,
  };
  const reasons = await db.transactWrite([
    { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
    { Put: { Item: { ...redriven }, ConditionExpression: 'attribute_not_exists(pk)' } },
    queueStillExists(accountId, destination),
  ]);
  return reasons === undefined;
}

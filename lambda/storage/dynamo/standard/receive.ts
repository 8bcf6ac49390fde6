import type { ClaimedMessage, MessageContent, ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import { type Lane, type LaneMarker, laneShards } from '../lanes.js';
import { isFullOrLate } from '../receive-budget.js';
import { dueBound, timelinePartition } from '../schema.js';
import { shuffled } from '../shuffle.js';
import { type Claim, claim } from './claim.js';
import { readContents } from './content.js';
import { moveToDeadLetter } from './dead-letter.js';
import { deleteMessages } from './delete.js';
import {
  isDead,
  isExpired,
  MIN_WINDOW,
  type StateItem,
  type TimelineContext,
  unchangedSince,
  type WakeItem,
} from './items.js';
import { dueCandidates } from './visibility.js';

/** Pages read per shard before giving up on a head full of messages that are not receivable. */
const MAX_PAGES_PER_SHARD = 4;
/** A state item whose content is missing this long after its send is a leftover of a failed send. */
const CONTENT_GRACE_MS = 60_000;

/**
 * Reads the normal lane, then the noisy lane when the normal one did not fill the request; one receive in ten,
 * and those shortly after one found the normal lane empty, read the noisy lane first (see lanes.ts). A queue
 * whose noisy lane was never used is read as before fair queues.
 */
export async function receiveMessages(
  context: TimelineContext,
  request: ReceiveRequest,
): Promise<ClaimedMessage[]> {
  const { lanes } = context;
  const { queue, nowMs, retentionMs } = request;
  const received: ClaimedMessage[] = [];
  const noisyFirst = lanes.startsWithNoisy(queue, retentionMs, nowMs);
  if (noisyFirst) await receiveFromLane(context, request, 'noisy', received);
  const normalDue = await receiveFromLane(context, request, 'normal', received);
  if (normalDue > 0) lanes.normalLaneBusy(queue);
  if (!noisyFirst && !isFullOrLate(received, request) && lanes.mayHoldMessages(queue, retentionMs, nowMs)) {
    if (normalDue === 0) lanes.normalLaneEmpty(queue, nowMs);
    await receiveFromLane(context, request, 'noisy', received);
  }
  return received;
}

/**
 * Claims from one lane's partitions, in random order, until the request is full. Returns how many due messages
 * it read, claimed or not, so the caller can tell an empty lane from one where it lost claims.
 */
async function receiveFromLane(
  context: TimelineContext,
  request: ReceiveRequest,
  lane: Lane,
  received: ClaimedMessage[],
): Promise<number> {
  let due = 0;
  for (const shard of shuffled(laneShards(request.queue, lane))) {
    if (isFullOrLate(received, request)) break;
    due += await receiveFromShard(context, request, shard, received);
  }
  return due;
}

/** Claims from one partition; returns how many due messages it read. */
async function receiveFromShard(
  context: TimelineContext,
  request: ReceiveRequest,
  shard: number,
  received: ClaimedMessage[],
): Promise<number> {
  const { db, lanes } = context;
  const { queue, nowMs } = request;
  const pk = timelinePartition(queue.id, queue.epoch, shard);
  let due = 0;
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES_PER_SHARD && !isFullOrLate(received, request); page++) {
    const out = await db.query({
      KeyConditionExpression: 'pk = :pk AND sk <= :due',
      ExpressionAttributeValues: { ':pk': pk, ':due': dueBound(nowMs) },
      ConsistentRead: true,
      Limit: Math.max(MIN_WINDOW, 3 * request.maxMessages),
      ExclusiveStartKey: startKey,
    });
    const dueItems = await dueCandidates(
      db,
      (out.Items ?? []) as (StateItem | WakeItem | LaneMarker)[],
      nowMs,
      (marker) => lanes.learn(queue, marker.ms),
    );
    due += dueItems.length;
    const pending = shuffled(dueItems);
    while (!isFullOrLate(received, request) && pending.length > 0) {
      const batch = pending.splice(0, request.maxMessages - received.length);
      // Content never changes, so it is read while the claims are written: one round trip less per receive,
      // at the price of reading the content of a claim that is then lost to another receiver.
      const [claims, contents] = await Promise.all([
        Promise.all(batch.map((c) => claimOrExpire(context, request, shard, c.item, c.wake))),
        readContents(
          db,
          batch
            .filter((c) => !isExpired(c.item, request) && !isDead(c.item, request))
            .map((c) => ({ messageId: c.item.id, chunks: c.item.n })),
        ),
      ]);
      for (const claim of claims) {
        if (claim) await collect(db, claim, contents, request.nowMs, received);
      }
    }
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return due;
}

async function claimOrExpire(
  context: TimelineContext,
  request: ReceiveRequest,
  shard: number,
  item: StateItem,
  wake: WakeItem | undefined,
): Promise<Claim | undefined> {
  const { db } = context;
  if (isExpired(item, request)) {
    await db.delete({ Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, request.nowMs) });
    if (wake) await db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
    return undefined;
  }
  if (request.deadLetter && isDead(item, request)) {
    const moved = await moveToDeadLetter(context, request.deadLetter, item, request.nowMs);
    if (moved) request.onMovedToDeadLetter?.();
    if (moved && wake) await db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
    return undefined;
  }
  const claimedItem = await claim(db, request, shard, item);
  if (claimedItem && wake) await db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
  return claimedItem;
}

async function collect(
  db: Db,
  claim: Claim,
  contents: ReadonlyMap<string, MessageContent>,
  nowMs: number,
  received: ClaimedMessage[],
): Promise<void> {
  const content = contents.get(claim.messageId);
  if (content) {
    const { chunks: _chunks, ...rest } = claim;
    received.push({ ...rest, content });
  } else if (nowMs - claim.sentMs > CONTENT_GRACE_MS) {
    await deleteMessages(db, [claim.receipt]);
  }
  // Otherwise its send may still be writing the content: the message returns after its visibility timeout.
}

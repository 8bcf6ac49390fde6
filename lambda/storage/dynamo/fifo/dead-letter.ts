import { randomInt, randomUUID } from 'node:crypto';
import type { DeadLetterTarget, QueueRecord, RedriveRequest, RedriveResult } from '../../store.js';
import { type Db, sleep } from '../db.js';
import { encodeContent } from '../message-content.js';
import { queueStillExists } from '../queue-guard.js';
import { storageThrottled } from '../retry-policy.js';
import {
  bodyPartition,
  bodySortKey,
  GROUP_SORT_KEY,
  groupMessageSortKey,
  groupPartition,
  READY_INDEX,
  readyPartition,
  sequenceOfSortKey,
} from '../schema.js';
import { range } from '../shuffle.js';
import { ttlFor } from '../ttl.js';
import { messagesAfter, storedContentOf } from './content.js';
import {
  type FifoContext,
  formatSequence,
  type GroupItem,
  groupSendUpdate,
  isExpiredIn,
  MAX_ATTEMPTS,
  type MessageItem,
  namesFor,
  parseGroupPartition,
  type ReadyGroup,
} from './items.js';

/**
 * Moves the oldest message of a group, received as often as the redrive policy allows, to the dead-letter
 * queue. It keeps its id and content; its deduplication id becomes its message id and its retention starts
 * again, as in SQS. False when the source group changed (another receiver) and nothing was moved.
 */
export async function moveToDeadLetter(
  context: FifoContext,
  target: DeadLetterTarget,
  group: ReadyGroup,
  groupId: string,
  item: MessageItem,
  nowMs: number,
): Promise<boolean> {
  // Chunks after the first expire with the send's retention; the message's starts again in the dead-letter
  // queue, so they are written again (same id, same bytes) to live as long. Paid only by messages over
  // 350 KB that reach a dead-letter queue: about 1 WCU per KB beyond the first chunk.
  if (item.n > 1) await copyExtraChunks(context.db, item, item.id, nowMs);
  return moveHead(context, group, groupId, sequenceOfSortKey(item.sk), target.queue, nowMs, (pk, sk) => ({
    pk,
    sk,
    id: item.id,
    st: item.st,
    va: nowMs,
    p: item.p,
    n: item.n,
    ttl: ttlFor(nowMs),
    et: nowMs,
    src: target.sourceArn,
    dd: item.id,
  }));
}

/**
 * Moves a group's oldest message to the same group of another FIFO queue, in one transaction: the source
 * group acknowledges it (condition: the lock version the caller read), the message is written at the end of
 * the destination group, whose `last` it takes. False when the source group changed and nothing was moved.
 */
async function moveHead(
  { db, accountId, movedSequences }: FifoContext,
  group: ReadyGroup,
  groupId: string,
  headSeq: string,
  destination: QueueRecord,
  nowMs: number,
  message: (pk: string, sk: string) => MessageItem,
): Promise<boolean> {
  const sourceUpdate = 'SET #ack = :ack, #lv = #lv + :one REMOVE #rc.#s, #fr.#s ADD #n :minusOne';
  const destinationPk = groupPartition(destination.id, destination.epoch, groupId);
  // Moves into one group in the same millisecond (a redrive step, a receive moving several) continue the
  // sequence numbers this process issued there, instead of colliding on the group's `last` and retrying.
  const issued = movedSequences.get(destinationPk);
  let sequence = BigInt(nowMs) * 10_000_000n;
  if (issued !== undefined && issued >= sequence) sequence = issued + 1n;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const destinationSeq = formatSequence(sequence);
    const moved = message(destinationPk, groupMessageSortKey(destinationSeq));
    const reasons = await db.transactWrite([
      {
        Update: {
          Key: { pk: group.pk, sk: GROUP_SORT_KEY },
          UpdateExpression: sourceUpdate,
          ConditionExpression: '#lv = :lv',
          ExpressionAttributeNames: { ...namesFor(sourceUpdate, '#lv'), '#s': headSeq },
          ExpressionAttributeValues: { ':ack': headSeq, ':one': 1, ':minusOne': -1, ':lv': group.lv },
        },
      },
      { Put: { Item: { ...moved } } },
      {
        Update: groupSendUpdate(destination, groupId, {
          first: destinationSeq,
          last: destinationSeq,
          count: 1,
          readyAtMs: nowMs,
          nowMs,
        }),
      },
      queueStillExists(accountId, destination),
    ]);
    if (!reasons) {
      if (movedSequences.size >= 10_000) movedSequences.clear();
      movedSequences.set(destinationPk, sequence);
      return true;
    }
    // The source group changed (another receiver), or the destination queue was deleted since it was read.
    if (reasons[0]?.code === 'ConditionalCheckFailed' || reasons[3]?.code === 'ConditionalCheckFailed') {
      return false;
    }
    const last = (reasons[2]?.item as GroupItem | undefined)?.last;
    if (last !== undefined && BigInt(last) >= sequence) sequence = BigInt(last) + 1n;
    await sleep(randomInt(5, 25));
  }
  throw storageThrottled();
}

/**
 * A move task's step on a FIFO dead-letter queue: the claimable groups' messages, oldest first in each group,
 * each moved by one transaction to the same group of its destination, as a new message. A group whose
 * oldest message has no destination, is delayed or expired is left as it is (its order comes first).
 */
export async function redriveMessages(context: FifoContext, request: RedriveRequest): Promise<RedriveResult> {
  const { db } = context;
  const { source, nowMs } = request;
  const result = { moved: 0, remaining: false, unroutable: 0 };
  for (const shard of range(source.shards)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db.query({
        IndexName: READY_INDEX,
        KeyConditionExpression: '#gpk = :gpk AND #gsk <= :now',
        ExpressionAttributeNames: namesFor('#gpk #gsk'),
        ExpressionAttributeValues: {
          ':gpk': readyPartition(source.id, source.epoch, shard),
          ':now': nowMs,
        },
        ExclusiveStartKey: startKey,
      });
      for (const ready of (out.Items ?? []) as ReadyGroup[]) {
        if (!(await redriveGroup(context, request, ready, result))) return { ...result, remaining: true };
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
  return result;
}

/** Moves a group's messages in order; false when the step is full and messages may be left. */
async function redriveGroup(
  context: FifoContext,
  request: RedriveRequest,
  ready: ReadyGroup,
  result: { moved: number; remaining: boolean; unroutable: number },
): Promise<boolean> {
  const { db } = context;
  const { nowMs } = request;
  const { groupId } = parseGroupPartition(ready.pk, request.source);
  let group = ready;
  for (;;) {
    if (result.moved >= request.max) return false;
    const items = await messagesAfter(db, group, Math.min(10, request.max - result.moved));
    if (items.length === 0) return true;
    for (const item of items) {
      if (isExpiredIn(item, { retentionMs: request.retentionMs, nowMs }) || item.va > nowMs) return true;
      const destination = await request.destination(item.src);
      if (!destination) {
        result.unroutable++;
        return true;
      }
      const messageId = randomUUID();
      if (item.n > 1) await copyExtraChunks(db, item, messageId, nowMs);
      const headSeq = sequenceOfSortKey(item.sk);
      const moved = await moveHead(context, group, groupId, headSeq, destination, nowMs, (pk, sk) => ({
        pk,
        sk,
        id: messageId,
        st: nowMs,
        va: nowMs,
        p: item.p,
        n: item.n,
        ttl: ttlFor(nowMs),
        ...(item.dd !== undefined ? { dd: item.dd } : {}),
      }));
      // Another receiver or task changed the group: leave it for the next step.
      if (!moved) {
        result.remaining = true;
        return true;
      }
      const { [headSeq]: _gone, ...rc } = group.rc ?? {};
      group = { ...group, ack: headSeq, lv: group.lv + 1, rc };
      result.moved++;
    }
  }
}

/** A redriven message gets a new id, so the chunks after the first, kept under the id, are copied. */
async function copyExtraChunks(db: Db, item: MessageItem, messageId: string, nowMs: number): Promise<void> {
  const content = await storedContentOf(db, item);
  const chunks = encodeContent(content).slice(1);
  await db.batchWrite(
    chunks.map((chunk, k) => ({
      PutRequest: {
        Item: { pk: bodyPartition(messageId), sk: bodySortKey(k + 1), p: chunk, ttl: ttlFor(nowMs) },
      },
    })),
  );
}

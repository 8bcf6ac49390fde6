import { randomBytes } from 'node:crypto';
import type { GroupReceipt } from '../../../engine/receipt-handle.js';
import type { ClaimedMessage, ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import { isFullOrLate } from '../receive-budget.js';
import { GROUP_SORT_KEY, READY_INDEX, readyPartition, sequenceOfSortKey } from '../schema.js';
import { range, shuffled } from '../shuffle.js';
import { recordAttempt, replayAttempt } from './attempts.js';
import { contentOf, messagesAfter } from './content.js';
import { moveToDeadLetter } from './dead-letter.js';
import {
  type FifoContext,
  forgetReceives,
  type GroupItem,
  isDeadIn,
  isExpiredIn,
  type MessageItem,
  namesFor,
  parseGroupPartition,
  type ReadyGroup,
} from './items.js';

/** Ready groups read per index query: wider than one receive so concurrent receivers pick different groups. */
const READY_WINDOW = 16;

/**
 * ReceiveMessage on a FIFO queue: a retried attempt first, then groups this process saw claimable, then
 * groups from the ready index, each locked for this receive by `claimGroup`.
 */
export async function receiveMessages(
  context: FifoContext,
  request: ReceiveRequest,
): Promise<ClaimedMessage<GroupReceipt>[]> {
  const { db, readyGroups } = context;
  if (request.attemptId !== undefined) {
    const replayed = await replayAttempt(db, request, request.attemptId);
    if (replayed) return replayed;
  }
  const received: ClaimedMessage<GroupReceipt>[] = [];
  // Groups an earlier receive in this process saw claimable and left untried come first: a stale one only
  // fails its lock's condition, and trying them saves the index read that dominates an unbatched receive.
  for (let group = readyGroups.take(request.queue, request.nowMs); group; ) {
    received.push(...(await claimGroup(context, request, group, request.maxMessages - received.length)));
    if (isFullOrLate(received, request)) break;
    group = readyGroups.take(request.queue, request.nowMs);
  }
  for (const shard of shuffled(range(request.queue.shards))) {
    if (isFullOrLate(received, request)) break;
    const out = await db.query({
      IndexName: READY_INDEX,
      KeyConditionExpression: '#gpk = :gpk AND #gsk <= :now',
      ExpressionAttributeNames: namesFor('#gpk #gsk'),
      ExpressionAttributeValues: {
        ':gpk': readyPartition(request.queue.id, request.queue.epoch, shard),
        ':now': request.nowMs,
      },
      Limit: READY_WINDOW,
    });
    const candidates = shuffled((out.Items ?? []) as ReadyGroup[]);
    while (candidates.length > 0 && !isFullOrLate(received, request)) {
      const group = candidates.shift() as ReadyGroup;
      received.push(...(await claimGroup(context, request, group, request.maxMessages - received.length)));
    }
    readyGroups.keep(request.queue, candidates, request.nowMs);
  }
  if (request.attemptId !== undefined && received.length > 0) {
    await recordAttempt(db, request, request.attemptId, received);
  }
  return received;
}

/**
 * Locks one group for this receive and takes up to `want` of its messages, oldest first. The group's
 * messages are read before the lock is written: the lock's compare-and-set on `lv` proves that nothing a
 * receiver decides on changed in between, and a concurrent send only adds messages after the ones read.
 */
async function claimGroup(
  context: FifoContext,
  request: ReceiveRequest,
  ready: ReadyGroup,
  want: number,
): Promise<ClaimedMessage<GroupReceipt>[]> {
  const { db } = context;
  let group = ready;
  const { nowMs } = request;
  const read = await messagesAfter(db, group, want);
  const items = [...read];
  // Messages received as often as the redrive policy allows go to the dead-letter queue, oldest first.
  while (
    request.deadLetter &&
    items[0] &&
    !isExpiredIn(items[0], request) &&
    isDeadIn(group, items[0], request)
  ) {
    const { groupId } = parseGroupPartition(group.pk, request.queue);
    const moved = await moveToDeadLetter(context, request.deadLetter, group, groupId, items[0], nowMs);
    if (!moved) return [];
    request.onMovedToDeadLetter?.();
    const { [sequenceOfSortKey(items[0].sk)]: _gone, ...rc } = group.rc ?? {};
    group = { ...group, ack: sequenceOfSortKey(items[0].sk), lv: group.lv + 1, rc };
    items.shift();
    // Everything read was moved: read on from the new head (the group is still unlocked and ours to try).
    if (items.length === 0) return claimGroup(context, request, group, want);
  }
  let ack = group.ack;
  const expired: string[] = [];
  const taken: MessageItem[] = [];
  let delayedUntil: number | undefined;
  for (const item of items) {
    const seq = sequenceOfSortKey(item.sk);
    if (isExpiredIn(item, request)) {
      // Retention counts from the send, so expired messages are always the oldest ones.
      if (taken.length === 0) {
        ack = seq;
        expired.push(seq);
      }
      continue;
    }
    if (item.va > nowMs) {
      delayedUntil = item.va;
      break;
    }
    if (taken.length < want) taken.push(item);
  }
  if (taken.length === 0) {
    if (delayedUntil !== undefined) await release(db, group, ack, expired, delayedUntil);
    else if (expired.length > 0) await release(db, group, ack, expired, nowMs);
    else if (items.length === 0 && read.length === 0) await retireIfEmpty(db, group);
    return [];
  }
  const receiveId = randomBytes(9).toString('base64url');
  // The timeout counts from now, not from the receive's start: reads before it may have taken a while.
  const lease = Math.max(nowMs, Date.now()) + request.visibilityTimeoutMs;
  const held = Object.fromEntries(taken.map((item) => [sequenceOfSortKey(item.sk), lease]));
  const values: Record<string, unknown> = {
    ':held': held,
    ':rt': receiveId,
    ':one': 1,
    ':zeroCount': 0,
    ':now': nowMs,
    ':lease': lease,
    ':ack': ack,
    ':lv': group.lv,
    ':expired': -expired.length,
  };
  const names: Record<string, string> = {};
  const sets = ['#held = :held', '#rt = :rt', '#lv = #lv + :one', '#gsk = :lease', '#ack = :ack'];
  taken.forEach((item, k) => {
    names[`#s${k}`] = sequenceOfSortKey(item.sk);
    sets.push(`#rc.#s${k} = if_not_exists(#rc.#s${k}, :zeroCount) + :one`);
    sets.push(`#fr.#s${k} = if_not_exists(#fr.#s${k}, :now)`);
  });
  const removes = forgetReceives(expired, names);
  const update = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #n :expired`;
  const result = await db.updateItem({
    Key: { pk: group.pk, sk: GROUP_SORT_KEY },
    UpdateExpression: update,
    ConditionExpression: '#lv = :lv',
    ExpressionAttributeNames: { ...namesFor(update, '#lv'), ...names },
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
  // A lock holding this receive's token is this receive's: its first attempt was applied, the answer lost.
  const locked = (
    result.applied ? result.attributes : result.old?.rt === receiveId ? result.old : undefined
  ) as GroupItem | undefined;
  if (!locked) return [];
  const lock = {
    version: locked.lv,
    size: taken.length,
    last: sequenceOfSortKey((taken[taken.length - 1] as MessageItem).sk),
    groupLast: locked.last,
  };
  const { queueId, epoch, groupId } = parseGroupPartition(group.pk, request.queue);
  return Promise.all(
    taken.map(async (item) => {
      const sequenceNumber = sequenceOfSortKey(item.sk);
      return {
        receipt: {
          queueId,
          epoch,
          groupId,
          sequenceNumber,
          messageId: item.id,
          receivedAtMs: nowMs,
          receiveId,
          lock,
        },
        messageId: item.id,
        sentMs: item.st,
        receiveCount: locked.rc[sequenceNumber] ?? 1,
        firstReceiveMs: locked.fr[sequenceNumber] ?? nowMs,
        visibleUntilMs: lease,
        sequenceNumber,
        content: await contentOf(db, item),
        ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
      };
    }),
  );
}

/** Moves the group's acknowledged prefix over expired messages; nobody can claim it before `readyAtMs`. */
async function release(
  db: Db,
  group: ReadyGroup,
  ack: string,
  expired: string[],
  readyAtMs: number,
): Promise<void> {
  const names: Record<string, string> = {};
  const removes = forgetReceives(expired, names);
  const update = `SET #gsk = :ready, #ack = :ack, #lv = #lv + :one${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #n :expired`;
  await db.update({
    Key: { pk: group.pk, sk: GROUP_SORT_KEY },
    UpdateExpression: update,
    ConditionExpression: '#lv = :lv',
    ExpressionAttributeNames: { ...namesFor(update, '#lv'), ...names },
    ExpressionAttributeValues: {
      ':ready': readyAtMs,
      ':ack': ack,
      ':one': 1,
      ':lv': group.lv,
      ':expired': -expired.length,
    },
  });
}

/**
 * The ready index named a group with nothing left to receive after `ack`: take it out of the index, unless
 * a send added a message since. Messages the index named but TTL removed are acknowledged here.
 */
async function retireIfEmpty(db: Db, group: ReadyGroup): Promise<void> {
  const key = { pk: group.pk, sk: GROUP_SORT_KEY };
  const current = (await db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
  if (!current || current.lv !== group.lv) return;
  // Read again after reading `last`: every message up to `last` was written before it.
  if ((await messagesAfter(db, group, 1)).length > 0) return;
  const update = 'SET #ack = :last, #n = :zeroCount, #lv = #lv + :one REMOVE #gsk, #held, #rc, #fr';
  await db.update({
    Key: key,
    UpdateExpression: update,
    ConditionExpression: '#lv = :lv AND #last = :last',
    ExpressionAttributeNames: namesFor(update, '#lv #last'),
    ExpressionAttributeValues: { ':last': current.last, ':zeroCount': 0, ':one': 1, ':lv': group.lv },
  });
}

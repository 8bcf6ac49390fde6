import { randomBytes } from 'node:crypto';
import type { ClaimedMessage, ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import { timelineSortKey, visibleAtOfSortKey } from '../schema.js';
import { type StateItem, unchangedSince } from './items.js';

/**
 * Below this visibility timeout a claim's put and delete are one transaction (4 WCU instead of 2): with two
 * separate writes, a database slower than the timeout could let the copy be received before the claim is
 * decided, and the message would then exist twice (docs/design.md, "What can still duplicate").
 */
const ATOMIC_CLAIM_BELOW_MS = 10_000;

/** A message this receive won, before its content is read. */
export interface Claim extends Omit<ClaimedMessage, 'content'> {
  readonly chunks: number;
}

/**
 * Takes one message for this receive. The conditional delete of the observed state item decides the
 * winner among concurrent receivers; the new item is written first so a crash in between can only
 * duplicate the message after its visibility timeout, never lose it. Both writes carry this receive's id
 * (`rt`), so a retry whose first attempt was applied and only its answer lost is told apart from another
 * receiver's win (docs/design.md, "Faults").
 */
export async function claim(
  db: Db,
  request: ReceiveRequest,
  shard: number,
  item: StateItem,
): Promise<Claim | undefined> {
  const { nowMs, visibilityTimeoutMs } = request;
  const receiveId = randomBytes(9).toString('base64url');
  const receiveCount = item.rc + 1;
  const firstReceiveMs = item.fr ?? nowMs;
  const won = () => claimed(request, shard, item, keyTimeMs, receiveId, receiveCount, firstReceiveMs);
  let keyTimeMs: number;
  if (visibilityTimeoutMs === 0) {
    // Visible again at once: the message keeps its key and only the receive changes.
    keyTimeMs = visibleAtOfSortKey(item.sk);
    const updated = await db.updateItem({
      Key: { pk: item.pk, sk: item.sk },
      UpdateExpression: 'SET rc = :rc, rt = :rt, fr = :fr REMOVE vt',
      ...unchangedSince(item, nowMs, { ':rc': receiveCount, ':rt': receiveId, ':fr': firstReceiveMs }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    return updated.applied || updated.old?.rt === receiveId ? won() : undefined;
  }
  // The timeout counts from now, not from the receive's start: reads before it may have taken a while.
  keyTimeMs = Math.max(nowMs, Date.now()) + visibilityTimeoutMs;
  if (timelineSortKey(keyTimeMs, item.id) === item.sk) keyTimeMs += 1;
  const moved: StateItem = {
    pk: item.pk,
    sk: timelineSortKey(keyTimeMs, item.id),
    id: item.id,
    st: item.st,
    rc: receiveCount,
    fr: firstReceiveMs,
    rt: receiveId,
    n: item.n,
    ttl: item.ttl,
    ...(item.src !== undefined ? { src: item.src } : {}),
    ...(item.mv !== undefined ? { mv: item.mv } : {}),
  };
  if (visibilityTimeoutMs < ATOMIC_CLAIM_BELOW_MS) {
    // A short timeout could run out between the two writes below on a slow database, letting another
    // receiver take the copy while this claim is still undecided: one transaction leaves no such window.
    // Its ClientRequestToken makes a retry after a lost answer return the first attempt's success.
    const reasons = await db.transactWrite([
      { Put: { Item: { ...moved }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
    ]);
    return reasons ? undefined : won();
  }
  // Two receivers claiming in the same millisecond collide here; a copy holding this receive's id is ours.
  const copy = await db.putItem({
    Item: { ...moved },
    ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
  if (!copy.applied && copy.old?.rt !== receiveId) return undefined;
  const original = await db.deleteItem({
    Key: { pk: item.pk, sk: item.sk },
    ...unchangedSince(item, nowMs),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
  if (original.applied) return won();
  if (original.maybeApplied && original.old === undefined) {
    // Gone after a lost answer: this delete was applied, or another receiver won. Keeping the copy loses
    // nothing and holds nothing twice: the message is received again once the copy's timeout passes.
    return undefined;
  }
  // Another receiver took it, or its holder changed its visibility: this receive's copy goes.
  await db.delete({
    Key: { pk: moved.pk, sk: moved.sk },
    ConditionExpression: 'rt = :rt',
    ExpressionAttributeValues: { ':rt': receiveId },
  });
  return undefined;
}

function claimed(
  request: ReceiveRequest,
  shard: number,
  item: StateItem,
  keyTimeMs: number,
  receiveId: string,
  receiveCount: number,
  firstReceiveMs: number,
): Claim {
  return {
    receipt: {
      queueId: request.queue.id,
      epoch: request.queue.epoch,
      shard,
      visibleAtMs: keyTimeMs,
      messageId: item.id,
      receivedAtMs: request.nowMs,
      receiveId,
    },
    messageId: item.id,
    sentMs: item.st,
    receiveCount,
    firstReceiveMs,
    visibleUntilMs: keyTimeMs,
    chunks: item.n,
    ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
  };
}

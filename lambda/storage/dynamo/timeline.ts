import { randomBytes, randomUUID } from 'node:crypto';
import type { Receipt } from '../../engine/receipt-handle.js';
import {
  type ClaimedMessage,
  type DeadLetterTarget,
  type MessageContent,
  type MessageCounts,
  type NewMessage,
  type QueueRecord,
  type ReceiveRequest,
  type RedriveRequest,
  type RedriveResult,
  VISIBILITY_CHANGE,
  type VisibilityChange,
} from '../store.js';
import type { Db } from './db.js';
import {
  isLaneMarker,
  type Lane,
  type LaneMarker,
  laneShards,
  NoisyLanes,
  randomLaneShard,
} from './lanes.js';
import { decodeContent, encodeContent } from './message-content.js';
import {
  bodyPartition,
  bodySortKey,
  dueBound,
  isWakeSortKey,
  timelinePartition,
  timelineSortKey,
  visibleAtOfSortKey,
  wakeSortKey,
} from './schema.js';
import { shuffled } from './shuffle.js';
import { ttlFor } from './ttl.js';

/** A state item in a queue's timeline (see docs/design.md): small, moved on every receive. */
interface StateItem {
  pk: string;
  sk: string;
  id: string;
  /** Sent at, ms. */
  st: number;
  /** Receive count. */
  rc: number;
  /** First receive, ms. */
  fr?: number;
  /** Receive id of the latest receive. */
  rt?: string;
  /** Visible at, ms, when ChangeMessageVisibility moved it away from the time in the key. */
  vt?: number;
  /** Content chunks. */
  n: number;
  ttl: number;
  /** In a dead-letter queue: the source queue's ARN. */
  src?: string;
  /** In a dead-letter queue: when the message was moved here, ms (its age in this queue counts from it). */
  mv?: number;
}

/** A wake-up pointer left by ChangeMessageVisibility when it made a message visible earlier than its key. */
interface WakeItem {
  pk: string;
  sk: string;
  /** Sort key of the state item it wakes. */
  tgt: string;
  /** The receive the change was made for. */
  rt: string;
}

/** Candidates read per Query: wider than the request so concurrent receivers rarely pick the same message. */
const MIN_WINDOW = 16;
/**
 * Below this visibility timeout a claim's put and delete are one transaction (4 WCU instead of 2): with two
 * separate writes, a database slower than the timeout could let the copy be received before the claim is
 * decided, and the message would then exist twice (docs/design.md, "What can still duplicate").
 */
const ATOMIC_CLAIM_BELOW_MS = 10_000;
/** Pages read per shard before giving up on a head full of messages that are not receivable. */
const MAX_PAGES_PER_SHARD = 4;
/** A state item whose content is missing this long after its send is a leftover of a failed send. */
const CONTENT_GRACE_MS = 60_000;

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

const exists = 'attribute_exists(pk)';
const notExtended = '(attribute_not_exists(vt) OR vt <= :now)';

export class Timeline {
  private readonly lanes: NoisyLanes;

  constructor(private readonly db: Db) {
    this.lanes = new NoisyLanes(db);
  }

  async put(queue: QueueRecord, messages: readonly NewMessage[]): Promise<void> {
    const noisy = messages.filter((m) => m.lane === 'noisy');
    if (noisy.length > 0) {
      const latestMs = Math.max(...noisy.map((m) => m.sentMs));
      await this.lanes.mark(queue, latestMs, ttlFor(latestMs));
    }
    const requests: { PutRequest: { Item: Record<string, unknown> } }[] = [];
    for (const message of messages) {
      const chunks = encodeContent(message.content);
      const ttl = ttlFor(message.sentMs);
      chunks.forEach((chunk, k) => {
        const body: Record<string, unknown> = {
          pk: bodyPartition(message.messageId),
          sk: bodySortKey(k),
          p: chunk,
          ttl,
        };
        requests.push({ PutRequest: { Item: body } });
      });
      const state: StateItem = {
        pk: timelinePartition(queue.id, queue.epoch, randomLaneShard(queue, message.lane ?? 'normal')),
        sk: timelineSortKey(message.visibleAtMs, message.messageId),
        id: message.messageId,
        st: message.sentMs,
        rc: 0,
        n: chunks.length,
        ttl,
      };
      requests.push({ PutRequest: { Item: { ...state } } });
    }
    await this.db.batchWrite(requests);
    if (noisy.length < messages.length) this.lanes.normalLaneBusy(queue);
  }

  /**
   * Reads the normal lane, then the noisy lane when the normal one did not fill the request; one receive in ten,
   * and those shortly after one found the normal lane empty, read the noisy lane first (see lanes.ts). A queue
   * whose noisy lane was never used is read as before fair queues.
   */
  async receive(request: ReceiveRequest): Promise<ClaimedMessage[]> {
    const { queue, nowMs, retentionMs, maxMessages } = request;
    const received: ClaimedMessage[] = [];
    const noisyFirst = this.lanes.startsWithNoisy(queue, retentionMs, nowMs);
    if (noisyFirst) await this.receiveFromLane(request, 'noisy', received);
    const normalDue = await this.receiveFromLane(request, 'normal', received);
    if (normalDue > 0) this.lanes.normalLaneBusy(queue);
    if (
      !noisyFirst &&
      received.length < maxMessages &&
      this.lanes.mayHoldMessages(queue, retentionMs, nowMs)
    ) {
      if (normalDue === 0) this.lanes.normalLaneEmpty(queue, nowMs);
      await this.receiveFromLane(request, 'noisy', received);
    }
    return received;
  }

  async delete(receipts: readonly Receipt[]): Promise<void> {
    const keys = new Map<string, { pk: string; sk: string }>();
    for (const receipt of receipts) {
      const key = stateKey(receipt);
      keys.set(`${key.pk} ${key.sk}`, key);
    }
    // Unconditional: a receipt names the exact key its receive created, and a later receive moves the
    // message to a new key, so a superseded receipt deletes nothing (SQS: "succeeds, may not delete").
    await this.db.batchWrite([...keys.values()].map((Key) => ({ DeleteRequest: { Key } })));
  }

  async changeVisibility(receipt: Receipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange> {
    const key = stateKey(receipt);
    const heldByThisReceipt = 'rt = :rt';
    const inflight = '((attribute_exists(vt) AND vt > :now) OR (attribute_not_exists(vt) AND sk > :due))';
    const changed = await this.db.update({
      Key: key,
      UpdateExpression: 'SET vt = :vt',
      ConditionExpression: `${exists} AND ${heldByThisReceipt} AND ${inflight}`,
      ExpressionAttributeValues: {
        ':rt': receipt.receiveId,
        ':now': nowMs,
        ':due': dueBound(nowMs),
        ':vt': visibleAtMs,
      },
    });
    if (!changed) {
      const item = await this.db.get({ Key: key, ConsistentRead: true });
      return item?.rt === receipt.receiveId
        ? VISIBILITY_CHANGE.notInflight
        : VISIBILITY_CHANGE.receiptExpired;
    }
    // Receivers only look at keys that are due, so a message made visible before its key's time needs a
    // pointer at the new time. If the pointer write is lost, the message still returns at its key's time.
    if (visibleAtMs < receipt.visibleAtMs) {
      const wake: WakeItem = {
        pk: key.pk,
        sk: wakeSortKey(visibleAtMs, receipt.messageId),
        tgt: key.sk,
        rt: receipt.receiveId,
      };
      await this.db.put({ Item: { ...wake, ttl: ttlFor(nowMs) } });
    }
    return VISIBILITY_CHANGE.changed;
  }

  /**
   * A move task's step on a Standard dead-letter queue: due messages, oldest first per partition, each moved
   * by one transaction (conditional delete here, put there) after its content was copied under its new id.
   */
  async redrive(request: RedriveRequest): Promise<RedriveResult> {
    const { source, nowMs } = request;
    const lanes: Lane[] = this.lanes.mayHoldMessages(source, request.retentionMs, nowMs)
      ? ['normal', 'noisy']
      : ['normal'];
    let moved = 0;
    let unroutable = 0;
    let remaining = false;
    for (const lane of lanes) {
      for (const shard of laneShards(source, lane)) {
        const out = await this.db.query({
          KeyConditionExpression: 'pk = :pk AND sk <= :due',
          ExpressionAttributeValues: {
            ':pk': timelinePartition(source.id, source.epoch, shard),
            ':due': dueBound(nowMs),
          },
          ConsistentRead: true,
          Limit: Math.max(MIN_WINDOW, request.max - moved + 1),
        });
        const candidates: { item: StateItem; wake?: WakeItem }[] = [];
        const wakes: WakeItem[] = [];
        for (const item of (out.Items ?? []) as (StateItem | WakeItem | LaneMarker)[]) {
          if (isLaneMarker(item)) continue;
          if (isWakeSortKey(item.sk)) wakes.push(item as WakeItem);
          else if (visibleAt(item as StateItem) <= nowMs) candidates.push({ item: item as StateItem });
        }
        // Messages made visible early by ChangeMessageVisibility are found through their wake pointers.
        candidates.push(...(await this.resolveWakes(wakes, nowMs)));
        for (const { item, wake } of candidates) {
          if (item.st + request.retentionMs <= nowMs) continue;
          const destination = await request.destination(item.src);
          if (!destination) {
            unroutable++;
            continue;
          }
          if (moved >= request.max) return { moved, remaining: true, unroutable };
          if (await this.redriveOne(item, destination, nowMs)) {
            moved++;
            if (wake) await this.db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
          }
        }
        if (out.LastEvaluatedKey) remaining = true;
      }
    }
    return { moved, remaining, unroutable };
  }

  private async redriveOne(item: StateItem, destination: QueueRecord, nowMs: number): Promise<boolean> {
    const content = (await this.readContents([{ messageId: item.id, chunks: item.n }])).get(item.id);
    if (!content) return false;
    const messageId = randomUUID();
    const chunks = encodeContent(content);
    const ttl = ttlFor(nowMs);
    await this.db.batchWrite(
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
    const reasons = await this.db.transactWrite([
      { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
      { Put: { Item: { ...redriven }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return reasons === undefined;
  }

  /**
   * Counts the normal lane, and the noisy lane too when the normal lane's markers say it may hold messages. The
   * Query reads every state item anyway, so finding the oldest message costs nothing more.
   */
  async count(queue: QueueRecord, nowMs: number, retentionMs: number): Promise<MessageCounts> {
    const tally: Tally = { visible: 0, inflight: 0, delayed: 0, oldest: {} };
    await this.countLane(queue, 'normal', nowMs, retentionMs, tally);
    if (this.lanes.mayHoldMessages(queue, retentionMs, nowMs)) {
      await this.countLane(queue, 'noisy', nowMs, retentionMs, tally);
    }
    const { visible, inflight, delayed, oldest } = tally;
    // SQS leaves messages received 3 times or more out of the age (it moves them to the back of the queue),
    // unless nothing else is left.
    const oldestMs = oldest.fresh ?? oldest.any;
    return { visible, inflight, delayed, ...(oldestMs !== undefined ? { oldestMs } : {}) };
  }

  private async countLane(
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
        const out = await this.db.query({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': timelinePartition(queue.id, queue.epoch, shard) },
          ProjectionExpression: 'sk, rc, vt, st, ms, src, mv',
          ExclusiveStartKey: startKey,
        });
        for (const item of (out.Items ?? []) as (StateItem | LaneMarker)[]) {
          if (isLaneMarker(item)) {
            this.lanes.learn(queue, item.ms);
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

  /**
   * Claims from one lane's partitions, in random order, until the request is full. Returns how many due messages
   * it read, claimed or not, so the caller can tell an empty lane from one where it lost claims.
   */
  private async receiveFromLane(
    request: ReceiveRequest,
    lane: Lane,
    received: ClaimedMessage[],
  ): Promise<number> {
    let due = 0;
    for (const shard of shuffled(laneShards(request.queue, lane))) {
      if (received.length >= request.maxMessages) break;
      due += await this.receiveFromShard(request, shard, received);
    }
    return due;
  }

  /** Claims from one partition; returns how many due messages it read. */
  private async receiveFromShard(
    request: ReceiveRequest,
    shard: number,
    received: ClaimedMessage[],
  ): Promise<number> {
    const { queue, nowMs } = request;
    const pk = timelinePartition(queue.id, queue.epoch, shard);
    let due = 0;
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES_PER_SHARD && received.length < request.maxMessages; page++) {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk AND sk <= :due',
        ExpressionAttributeValues: { ':pk': pk, ':due': dueBound(nowMs) },
        ConsistentRead: true,
        Limit: Math.max(MIN_WINDOW, 3 * request.maxMessages),
        ExclusiveStartKey: startKey,
      });
      const candidates: { item: StateItem; wake?: WakeItem }[] = [];
      const wakes: WakeItem[] = [];
      for (const item of (out.Items ?? []) as (StateItem | WakeItem | LaneMarker)[]) {
        if (isLaneMarker(item)) this.lanes.learn(queue, item.ms);
        else if (isWakeSortKey(item.sk)) wakes.push(item as WakeItem);
        else if (visibleAt(item as StateItem) <= nowMs) candidates.push({ item: item as StateItem });
      }
      candidates.push(...(await this.resolveWakes(wakes, nowMs)));
      due += candidates.length;
      const pending = shuffled(candidates);
      while (received.length < request.maxMessages && pending.length > 0) {
        const batch = pending.splice(0, request.maxMessages - received.length);
        // Content never changes, so it is read while the claims are written: one round trip less per receive,
        // at the price of reading the content of a claim that is then lost to another receiver.
        const [claims, contents] = await Promise.all([
          Promise.all(batch.map((c) => this.claimOrExpire(request, shard, c.item, c.wake))),
          this.readContents(
            batch
              .filter((c) => !isExpired(c.item, request) && !isDead(c.item, request))
              .map((c) => ({ messageId: c.item.id, chunks: c.item.n })),
          ),
        ]);
        for (const claim of claims) {
          if (claim) await this.collect(claim, contents, request.nowMs, received);
        }
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    return due;
  }

  /** The state items that due wake pointers name, when still held by the receive the pointer was made for. */
  private async resolveWakes(
    wakes: WakeItem[],
    nowMs: number,
  ): Promise<{ item: StateItem; wake: WakeItem }[]> {
    const resolved = await Promise.all(
      wakes.map(async (wake) => {
        const item = (await this.db.get({ Key: { pk: wake.pk, sk: wake.tgt }, ConsistentRead: true })) as
          | StateItem
          | undefined;
        if (item && item.rt === wake.rt && visibleAt(item) <= nowMs) return { item, wake };
        // Deleted, received again, or extended by a later change (which leaves its own pointer if it needs one).
        await this.db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
        return undefined;
      }),
    );
    return resolved.filter((r): r is { item: StateItem; wake: WakeItem } => r !== undefined);
  }

  private async claimOrExpire(
    request: ReceiveRequest,
    shard: number,
    item: StateItem,
    wake: WakeItem | undefined,
  ): Promise<Claim | undefined> {
    if (isExpired(item, request)) {
      await this.db.delete({ Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, request.nowMs) });
      if (wake) await this.db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
      return undefined;
    }
    if (request.deadLetter && isDead(item, request)) {
      const moved = await this.moveToDeadLetter(request.deadLetter, item, request.nowMs);
      if (moved) request.onMovedToDeadLetter?.();
      if (moved && wake) await this.db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
      return undefined;
    }
    const claim = await this.claim(request, shard, item);
    if (claim && wake) await this.db.delete({ Key: { pk: wake.pk, sk: wake.sk } });
    return claim;
  }

  /**
   * Moves a message received `maxReceiveCount` times to the dead-letter queue: one transaction deletes the
   * state item as this receiver saw it and puts it, visible at once, into the dead-letter queue's timeline,
   * so the message is in exactly one of the two queues whatever fails. It keeps its id, content (shared),
   * send time (retention counts from it, as in SQS) and receive count. False when another receiver took it first.
   */
  private async moveToDeadLetter(target: DeadLetterTarget, item: StateItem, nowMs: number): Promise<boolean> {
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
    const reasons = await this.db.transactWrite([
      { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
      { Put: { Item: { ...moved }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return reasons === undefined;
  }

  /**
   * Takes one message for this receive. The conditional delete of the observed state item decides the
   * winner among concurrent receivers; the new item is written first so a crash in between can only
   * duplicate the message after its visibility timeout, never lose it.
   */
  private async claim(request: ReceiveRequest, shard: number, item: StateItem): Promise<Claim | undefined> {
    const { nowMs, visibilityTimeoutMs } = request;
    const receiveId = randomBytes(9).toString('base64url');
    const receiveCount = item.rc + 1;
    const firstReceiveMs = item.fr ?? nowMs;
    let keyTimeMs: number;
    if (visibilityTimeoutMs === 0) {
      // Visible again at once: the message keeps its key and only the receive changes.
      keyTimeMs = visibleAtOfSortKey(item.sk);
      const updated = await this.db.update({
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET rc = :rc, rt = :rt, fr = :fr REMOVE vt',
        ...unchangedSince(item, nowMs, { ':rc': receiveCount, ':rt': receiveId, ':fr': firstReceiveMs }),
      });
      if (!updated) return undefined;
    } else {
      keyTimeMs = nowMs + visibilityTimeoutMs;
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
        const reasons = await this.db.transactWrite([
          { Put: { Item: { ...moved }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Delete: { Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) } },
        ]);
        if (reasons) return undefined;
        return this.claimed(request, shard, item, keyTimeMs, receiveId, receiveCount, firstReceiveMs);
      }
      // Two receivers claiming in the same millisecond collide here.
      if (!(await this.db.put({ Item: { ...moved }, ConditionExpression: 'attribute_not_exists(pk)' })))
        return undefined;
      const won = await this.db.delete({ Key: { pk: item.pk, sk: item.sk }, ...unchangedSince(item, nowMs) });
      if (!won) {
        await this.db.delete({
          Key: { pk: moved.pk, sk: moved.sk },
          ConditionExpression: 'rt = :rt',
          ExpressionAttributeValues: { ':rt': receiveId },
        });
        return undefined;
      }
    }
    return this.claimed(request, shard, item, keyTimeMs, receiveId, receiveCount, firstReceiveMs);
  }

  private claimed(
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
      chunks: item.n,
      ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
    };
  }

  /** Reads message contents: eventually consistent first, since content is written once, then strongly. */
  private async readContents(
    messages: readonly { messageId: string; chunks: number }[],
  ): Promise<Map<string, MessageContent>> {
    const contents = new Map<string, MessageContent>();
    const single = messages.filter((m) => m.chunks === 1).map((m) => m.messageId);
    for (const consistent of [false, true]) {
      const missing = single.filter((id) => !contents.has(id));
      if (missing.length === 0) break;
      const items = await this.db.batchGet(
        missing.map((id) => ({ pk: bodyPartition(id), sk: bodySortKey(0) })),
        consistent,
      );
      for (const item of items) {
        contents.set(String(item.pk).slice(2), decodeContent([item.p as Uint8Array]));
      }
    }
    await Promise.all(
      messages
        .filter((m) => m.chunks > 1)
        .map(async (m) => {
          const content = await this.readChunks(m.messageId, m.chunks);
          if (content) contents.set(m.messageId, content);
        }),
    );
    return contents;
  }

  private async collect(
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
      await this.delete([claim.receipt]);
    }
    // Otherwise its send may still be writing the content: the message returns after its visibility timeout.
  }

  private async readChunks(messageId: string, chunks: number): Promise<MessageContent | undefined> {
    const parts: Uint8Array[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': bodyPartition(messageId) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) parts.push(item.p as Uint8Array);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return parts.length === chunks ? decodeContent(parts) : undefined;
  }
}

interface Claim extends Omit<ClaimedMessage, 'content'> {
  readonly chunks: number;
}

/** The condition that the state item is still as this receiver read it: same receive, not extended since. */
function unchangedSince(item: StateItem, nowMs: number, extraValues: Record<string, unknown> = {}) {
  const sameReceive = item.rt === undefined ? 'attribute_not_exists(rt)' : 'rt = :observedRt';
  return {
    ConditionExpression: `${exists} AND ${sameReceive} AND ${notExtended}`,
    ExpressionAttributeValues: {
      ':now': nowMs,
      ...(item.rt === undefined ? {} : { ':observedRt': item.rt }),
      ...extraValues,
    },
  };
}

function isExpired(item: StateItem, request: ReceiveRequest): boolean {
  return item.st + request.retentionMs <= request.nowMs;
}

/** Received as often as the queue's redrive policy allows: the next receive moves it to the dead-letter queue. */
function isDead(item: StateItem, request: ReceiveRequest): boolean {
  return request.deadLetter !== undefined && item.rc >= request.deadLetter.maxReceiveCount;
}

function visibleAt(item: StateItem): number {
  return item.vt ?? visibleAtOfSortKey(item.sk);
}

function stateKey(receipt: Receipt): { pk: string; sk: string } {
  return {
    pk: timelinePartition(receipt.queueId, receipt.epoch, receipt.shard),
    sk: timelineSortKey(receipt.visibleAtMs, receipt.messageId),
  };
}

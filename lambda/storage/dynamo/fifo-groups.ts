import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DEDUPLICATION_INTERVAL_MS } from '../../engine/limits.js';
import type { GroupReceipt } from '../../engine/receipt-handle.js';
import {
  type ClaimedMessage,
  type DeadLetterTarget,
  type DeleteOutcome,
  type MessageContent,
  type MessageCounts,
  type NewMessage,
  type QueueRecord,
  type ReceiveRequest,
  type RedriveRequest,
  type RedriveResult,
  type SentMessage,
  VISIBILITY_CHANGE,
  type VisibilityChange,
} from '../store.js';
import { type Db, sleep, type TransactItem } from './db.js';
import { decodeContent, encodeContent } from './message-content.js';
import {
  bodyPartition,
  bodySortKey,
  deduplicationKey,
  GROUP_SORT_KEY,
  groupMessageSortKey,
  groupPartition,
  READY_INDEX,
  readyPartition,
  receiveAttemptKey,
  SEQUENCE_DIGITS,
  sequenceOfSortKey,
} from './schema.js';
import { range, shuffled } from './shuffle.js';
import { ttlAfter, ttlFor } from './ttl.js';

/**
 * The group item: a FIFO message group's lock and bookkeeping. Senders touch only `last`, `n`, `ttl` and,
 * when the group had no messages, `gsk`; everything a receive decides on changes `lv`, the lock version,
 * so every receiver-side write is a compare-and-set on `lv`.
 */
interface GroupItem {
  pk: string;
  sk: string;
  /** Sequence number of the last message sent. */
  last: string;
  /** Every message up to this sequence number is deleted (or expired). */
  ack: string;
  /** Lock version. */
  lv: number;
  /** Messages not yet deleted. */
  n: number;
  /** The current lock's messages, by sequence number, with the moment each becomes visible again. */
  held?: Record<string, number>;
  /** The current (or last) lock's token. */
  rt?: string;
  /** Receive counts and first receive times of received, undeleted messages, by sequence number. */
  rc: Record<string, number>;
  fr: Record<string, number>;
  gpk: string;
  /** When the group can next be claimed; absent when it has no messages (then it is not in the index). */
  gsk?: number;
  ttl: number;
}

/** What the ready index returns: a group's key, its lock version, how far it is deleted, its receive counts. */
interface ReadyGroup {
  pk: string;
  ack: string;
  lv: number;
  rc?: Record<string, number>;
}

interface MessageItem {
  pk: string;
  sk: string;
  id: string;
  /** Sent at, ms. */
  st: number;
  /** Visible at (the queue's delay), ms. */
  va: number;
  /** Content chunk 0; further chunks are in the message's content partition. */
  p: Uint8Array;
  /** Content chunks. */
  n: number;
  ttl: number;
  /** In a dead-letter queue: when it was moved there (retention counts from it, as in SQS), ms. */
  et?: number;
  /** In a dead-letter queue: the source queue's ARN. */
  src?: string;
  /** In a dead-letter queue: the deduplication id, which SQS replaces with the message id. */
  dd?: string;
}

interface DeduplicationItem {
  pk: string;
  sk: string;
  id: string;
  seq: string;
  /** Remembered until, ms. */
  exp: number;
  ttl: number;
}

interface AttemptItem {
  pk: string;
  sk: string;
  exp: number;
  /** The receipts the attempt returned. */
  r: GroupReceipt[];
  ttl: number;
}

/** Ready groups read per index query: wider than one receive so concurrent receivers pick different groups. */
const READY_WINDOW = 16;
/** Attempts of one send or one lock change before giving up on a contended group. */
const MAX_ATTEMPTS = 25;
const ZERO_SEQUENCE = '0'.repeat(SEQUENCE_DIGITS);

/** Attribute names used in expressions (several are DynamoDB reserved words). */
const NAMES = {
  '#last': 'last',
  '#ack': 'ack',
  '#lv': 'lv',
  '#n': 'n',
  '#held': 'held',
  '#rt': 'rt',
  '#rc': 'rc',
  '#fr': 'fr',
  '#gpk': 'gpk',
  '#gsk': 'gsk',
  '#ttl': 'ttl',
};

type Names = Partial<typeof NAMES> & Record<string, string>;

/** Only the names an expression uses: DynamoDB rejects unused ones. */
function namesFor(...expressions: string[]): Names {
  const text = expressions.join(' ');
  const names: Names = {};
  for (const [alias, name] of Object.entries(NAMES)) {
    if (new RegExp(`${alias}\\b`).test(text)) names[alias] = name;
  }
  return names;
}

/**
 * FIFO queues on DynamoDB: the "group lock" design (docs/design.md). Messages live in their group's
 * partition in sequence order; the group item is the lock; a sparse index lists the groups that can be claimed.
 */
export class FifoGroups {
  private readonly readyGroups = new ReadyGroupCache();
  /** The last sequence number this process issued in a group by moving a message there. */
  private readonly movedSequences = new Map<string, bigint>();

  constructor(private readonly db: Db) {}

  /** Enqueues in order, in one transaction per attempt, each message atomically with its deduplication id. */
  async send(queue: QueueRecord, messages: readonly NewMessage[], nowMs: number): Promise<SentMessage[]> {
    const results: (SentMessage | undefined)[] = messages.map(() => undefined);
    const firstWithKey = new Map<string, number>();
    let pending: number[] = [];
    messages.forEach((message, i) => {
      const key = message.deduplicationKey ?? message.messageId;
      if (!firstWithKey.has(key)) {
        firstWithKey.set(key, i);
        pending.push(i);
      }
    });
    await this.writeExtraChunks(messages, pending);
    const nextSequence = new Map<string, bigint>();
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('FIFO send: too much contention on its message groups');
      if (attempt > 0) await sleep(randomInt(5, 20 * Math.min(attempt, 5)));
      const plan = this.planSend(queue, messages, pending, nextSequence, nowMs);
      const reasons = await this.db.transactWrite(plan.items);
      if (!reasons) {
        for (const [i, sequenceNumber] of plan.sequences) {
          results[i] = { messageId: (messages[i] as NewMessage).messageId, sequenceNumber };
        }
        break;
      }
      const duplicates = new Set<number>();
      reasons.forEach((reason, k) => {
        const role = plan.roles[k];
        if (reason.code !== 'ConditionalCheckFailed' || !role) return;
        if (role.kind === 'dedup') duplicates.add(role.index);
        else if (role.kind === 'group') {
          const last = (reason.item as GroupItem | undefined)?.last;
          if (last) nextSequence.set(role.groupId, BigInt(last) + 1n);
        }
      });
      for (const i of duplicates) results[i] = await this.original(queue, messages[i] as NewMessage, nowMs);
      pending = pending.filter((i) => !duplicates.has(i) || results[i] === undefined);
    }
    return messages.map((message) => {
      const first = firstWithKey.get(message.deduplicationKey ?? message.messageId) as number;
      return results[first] as SentMessage;
    });
  }

  /** What the first send with this message's deduplication id enqueued, if it is remembered still. */
  private async original(
    queue: QueueRecord,
    message: NewMessage,
    nowMs: number,
  ): Promise<SentMessage | undefined> {
    const item = (await this.db.get({
      Key: deduplicationKey(queue.id, message.deduplicationKey ?? message.messageId),
      ConsistentRead: true,
    })) as DeduplicationItem | undefined;
    return item && item.exp > nowMs ? { messageId: item.id, sequenceNumber: item.seq } : undefined;
  }

  async receive(request: ReceiveRequest): Promise<ClaimedMessage<GroupReceipt>[]> {
    if (request.attemptId !== undefined) {
      const replayed = await this.replayAttempt(request, request.attemptId);
      if (replayed) return replayed;
    }
    const received: ClaimedMessage<GroupReceipt>[] = [];
    // Groups an earlier receive in this process saw claimable and left untried come first: a stale one only
    // fails its lock's condition, and trying them saves the index read that dominates an unbatched receive.
    for (let group = this.readyGroups.take(request.queue, request.nowMs); group; ) {
      received.push(...(await this.claimGroup(request, group, request.maxMessages - received.length)));
      if (received.length >= request.maxMessages) break;
      group = this.readyGroups.take(request.queue, request.nowMs);
    }
    for (const shard of shuffled(range(request.queue.shards))) {
      if (received.length >= request.maxMessages) break;
      const out = await this.db.query({
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
      while (candidates.length > 0 && received.length < request.maxMessages) {
        const group = candidates.shift() as ReadyGroup;
        received.push(...(await this.claimGroup(request, group, request.maxMessages - received.length)));
      }
      this.readyGroups.keep(request.queue, candidates, request.nowMs);
    }
    if (request.attemptId !== undefined && received.length > 0) {
      const attempt: AttemptItem = {
        ...receiveAttemptKey(request.queue.id, request.attemptId),
        exp: request.nowMs + DEDUPLICATION_INTERVAL_MS,
        r: received.map((m) => m.receipt),
        ttl: ttlAfter(request.nowMs, DEDUPLICATION_INTERVAL_MS),
      };
      await this.db.put({ Item: { ...attempt } });
    }
    return received;
  }

  /**
   * Deletes, one compare-and-set per group. A receipt whose lock is no longer current, or whose visibility
   * timeout ran out, deletes nothing and answers `expired` (SQS fails such a delete on FIFO queues).
   */
  async delete(receipts: readonly GroupReceipt[], nowMs: number): Promise<Map<GroupReceipt, DeleteOutcome>> {
    const byGroup = receiptsByGroup(receipts);
    const outcomes = new Map<GroupReceipt, DeleteOutcome>();
    await Promise.all(
      [...byGroup].map(async ([pk, group]) => {
        for (const [receipt, outcome] of await this.deleteFromGroup(pk, group, nowMs)) {
          outcomes.set(receipt, outcome);
        }
      }),
    );
    return outcomes;
  }

  async changeVisibility(
    receipt: GroupReceipt,
    visibleAtMs: number,
    nowMs: number,
  ): Promise<VisibilityChange> {
    const key = { pk: groupPartition(receipt.queueId, receipt.epoch, receipt.groupId), sk: GROUP_SORT_KEY };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const group = (await this.db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
      const current = group?.rt === receipt.receiveId ? group.held?.[receipt.sequenceNumber] : undefined;
      if (!group || current === undefined) return VISIBILITY_CHANGE.receiptExpired;
      if (current <= nowMs) return VISIBILITY_CHANGE.notInflight;
      const held = { ...group.held, [receipt.sequenceNumber]: visibleAtMs };
      const update = 'SET #held = :held, #gsk = :lease, #lv = #lv + :one';
      const changed = await this.db.update({
        Key: key,
        UpdateExpression: update,
        ConditionExpression: '#lv = :lv',
        ExpressionAttributeNames: namesFor(update, '#lv'),
        ExpressionAttributeValues: { ':held': held, ':lease': leaseOf(held), ':one': 1, ':lv': group.lv },
      });
      if (changed) return VISIBILITY_CHANGE.changed;
    }
    throw new Error('FIFO ChangeMessageVisibility: too much contention on the message group');
  }

  /**
   * Counts from the group items of the groups in the ready index: O(groups with messages) reads. With
   * `withOldest`, also the oldest message's sequence number, which starts with the time it entered the queue.
   */
  async count(queue: QueueRecord, nowMs: number, withOldest: boolean): Promise<MessageCounts> {
    let visible = 0;
    let inflight = 0;
    let delayed = 0;
    let oldest: string | undefined;
    for (const shard of range(queue.shards)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.db.query({
          IndexName: READY_INDEX,
          KeyConditionExpression: '#gpk = :gpk',
          ExpressionAttributeNames: namesFor('#gpk'),
          ExpressionAttributeValues: { ':gpk': readyPartition(queue.id, queue.epoch, shard) },
          ExclusiveStartKey: startKey,
        });
        const keys = (out.Items ?? []).map((item) => ({ pk: item.pk, sk: GROUP_SORT_KEY }));
        for (let start = 0; start < keys.length; start += 100) {
          const groups = (await this.db.batchGet(
            keys.slice(start, start + 100),
            false,
          )) as unknown as GroupItem[];
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
            for (const head of await Promise.all(groups.map((group) => this.headSequence(group)))) {
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
  private async headSequence(group: GroupItem): Promise<string | undefined> {
    if (group.n <= 0) return undefined;
    const received = Object.keys(group.rc ?? {}).sort();
    if (received[0] !== undefined) return received[0];
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND sk > :after',
      ExpressionAttributeValues: { ':pk': group.pk, ':after': groupMessageSortKey(group.ack) },
      ProjectionExpression: 'sk',
      Limit: 1,
    });
    const first = out.Items?.[0];
    return first ? sequenceOfSortKey(String(first.sk)) : undefined;
  }

  private planSend(
    queue: QueueRecord,
    messages: readonly NewMessage[],
    pending: readonly number[],
    nextSequence: Map<string, bigint>,
    nowMs: number,
  ) {
    const items: TransactItem[] = [];
    const roles: (
      | { kind: 'dedup'; index: number }
      | { kind: 'message' }
      | { kind: 'group'; groupId: string }
    )[] = [];
    const sequences = new Map<number, string>();
    const byGroup = new Map<string, number[]>();
    for (const i of pending) {
      const groupId = (messages[i] as NewMessage).content.groupId as string;
      byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), i]);
    }
    for (const [groupId, indexes] of byGroup) {
      const pk = groupPartition(queue.id, queue.epoch, groupId);
      // Sequence numbers: 20 digits, the send time in ms times 10^7 plus the place in the batch, always above
      // every number the group has issued.
      let sequence = BigInt(nowMs) * 10_000_000n;
      const floor = nextSequence.get(groupId);
      if (floor !== undefined && floor > sequence) sequence = floor;
      const first = formatSequence(sequence);
      for (const i of indexes) {
        const message = messages[i] as NewMessage;
        const seq = formatSequence(sequence++);
        sequences.set(i, seq);
        const dedup: DeduplicationItem = {
          ...deduplicationKey(queue.id, message.deduplicationKey ?? message.messageId),
          id: message.messageId,
          seq,
          exp: nowMs + DEDUPLICATION_INTERVAL_MS,
          ttl: ttlAfter(nowMs, DEDUPLICATION_INTERVAL_MS),
        };
        items.push({
          Put: {
            Item: { ...dedup },
            ConditionExpression: 'attribute_not_exists(pk) OR #exp <= :now',
            ExpressionAttributeNames: { '#exp': 'exp' },
            ExpressionAttributeValues: { ':now': nowMs },
          },
        });
        roles.push({ kind: 'dedup', index: i });
        const chunks = encodeContent(message.content);
        const item: MessageItem = {
          pk,
          sk: groupMessageSortKey(seq),
          id: message.messageId,
          st: message.sentMs,
          va: message.visibleAtMs,
          p: chunks[0] as Uint8Array,
          n: chunks.length,
          ttl: ttlFor(message.sentMs),
        };
        items.push({ Put: { Item: { ...item } } });
        roles.push({ kind: 'message' });
      }
      items.push({
        Update: groupSendUpdate(queue, groupId, {
          first,
          last: formatSequence(sequence - 1n),
          count: indexes.length,
          readyAtMs: (messages[indexes[0] as number] as NewMessage).visibleAtMs,
          nowMs,
        }),
      });
      roles.push({ kind: 'group', groupId });
    }
    return { items, roles, sequences };
  }

  /** Content beyond the first chunk goes to the message's content partition before the transaction. */
  private async writeExtraChunks(messages: readonly NewMessage[], indexes: readonly number[]): Promise<void> {
    const requests: { PutRequest: { Item: Record<string, unknown> } }[] = [];
    for (const i of indexes) {
      const message = messages[i] as NewMessage;
      const chunks = encodeContent(message.content);
      chunks.slice(1).forEach((chunk, k) => {
        requests.push({
          PutRequest: {
            Item: {
              pk: bodyPartition(message.messageId),
              sk: bodySortKey(k + 1),
              p: chunk,
              ttl: ttlFor(message.sentMs),
            },
          },
        });
      });
    }
    if (requests.length) await this.db.batchWrite(requests);
  }

  /**
   * Locks one group for this receive and takes up to `want` of its messages, oldest first. The group's
   * messages are read before the lock is written: the lock's compare-and-set on `lv` proves that nothing a
   * receiver decides on changed in between, and a concurrent send only adds messages after the ones read.
   */
  private async claimGroup(
    request: ReceiveRequest,
    ready: ReadyGroup,
    want: number,
  ): Promise<ClaimedMessage<GroupReceipt>[]> {
    let group = ready;
    const { nowMs } = request;
    const read = await this.messagesAfter(group, want);
    const items = [...read];
    // Messages received as often as the redrive policy allows go to the dead-letter queue, oldest first.
    while (
      request.deadLetter &&
      items[0] &&
      !isExpiredIn(items[0], request) &&
      isDeadIn(group, items[0], request)
    ) {
      const { groupId } = parseGroupPartition(group.pk, request.queue);
      const moved = await this.moveToDeadLetter(request.deadLetter, group, groupId, items[0], nowMs);
      if (!moved) return [];
      request.onMovedToDeadLetter?.();
      const { [sequenceOfSortKey(items[0].sk)]: _gone, ...rc } = group.rc ?? {};
      group = { ...group, ack: sequenceOfSortKey(items[0].sk), lv: group.lv + 1, rc };
      items.shift();
      // Everything read was moved: read on from the new head (the group is still unlocked and ours to try).
      if (items.length === 0) return this.claimGroup(request, group, want);
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
      if (delayedUntil !== undefined) await this.release(group, ack, expired, delayedUntil);
      else if (expired.length > 0) await this.release(group, ack, expired, nowMs);
      else if (items.length === 0 && read.length === 0) await this.retireIfEmpty(group);
      return [];
    }
    const receiveId = randomBytes(9).toString('base64url');
    const lease = nowMs + request.visibilityTimeoutMs;
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
    const updated = await this.db.update({
      Key: { pk: group.pk, sk: GROUP_SORT_KEY },
      UpdateExpression: update,
      ConditionExpression: '#lv = :lv',
      ExpressionAttributeNames: { ...namesFor(update, '#lv'), ...names },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    });
    if (!updated) return [];
    const locked = updated as GroupItem;
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
          sequenceNumber,
          content: await this.contentOf(item),
          ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
        };
      }),
    );
  }

  /**
   * Moves the oldest message of a group, received as often as the redrive policy allows, to the dead-letter
   * queue. It keeps its id and content; its deduplication id becomes its message id and its retention starts
   * again, as in SQS. False when the source group changed (another receiver) and nothing was moved.
   */
  private moveToDeadLetter(
    target: DeadLetterTarget,
    group: ReadyGroup,
    groupId: string,
    item: MessageItem,
    nowMs: number,
  ): Promise<boolean> {
    return this.moveHead(group, groupId, sequenceOfSortKey(item.sk), target.queue, nowMs, (pk, sk) => ({
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
  private async moveHead(
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
    const issued = this.movedSequences.get(destinationPk);
    let sequence = BigInt(nowMs) * 10_000_000n;
    if (issued !== undefined && issued >= sequence) sequence = issued + 1n;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const destinationSeq = formatSequence(sequence);
      const moved = message(destinationPk, groupMessageSortKey(destinationSeq));
      const reasons = await this.db.transactWrite([
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
      ]);
      if (!reasons) {
        if (this.movedSequences.size >= 10_000) this.movedSequences.clear();
        this.movedSequences.set(destinationPk, sequence);
        return true;
      }
      if (reasons[0]?.code === 'ConditionalCheckFailed') return false;
      const last = (reasons[2]?.item as GroupItem | undefined)?.last;
      if (last !== undefined && BigInt(last) >= sequence) sequence = BigInt(last) + 1n;
      await sleep(randomInt(5, 25));
    }
    throw new Error('FIFO move: too much contention on the message group');
  }

  /**
   * A move task's step on a FIFO dead-letter queue: the claimable groups' messages, oldest first in each group,
   * each moved by one transaction to the same group of its destination, as a new message. A group whose
   * oldest message has no destination, is delayed or expired is left as it is (its order comes first).
   */
  async redrive(request: RedriveRequest): Promise<RedriveResult> {
    const { source, nowMs } = request;
    const result = { moved: 0, remaining: false, unroutable: 0 };
    for (const shard of range(source.shards)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.db.query({
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
          if (!(await this.redriveGroup(request, ready, result))) return { ...result, remaining: true };
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }
    return result;
  }

  /** Moves a group's messages in order; false when the step is full and messages may be left. */
  private async redriveGroup(
    request: RedriveRequest,
    ready: ReadyGroup,
    result: { moved: number; remaining: boolean; unroutable: number },
  ): Promise<boolean> {
    const { nowMs } = request;
    const { groupId } = parseGroupPartition(ready.pk, request.source);
    let group = ready;
    for (;;) {
      if (result.moved >= request.max) return false;
      const items = await this.messagesAfter(group, Math.min(10, request.max - result.moved));
      if (items.length === 0) return true;
      for (const item of items) {
        if (isExpiredIn(item, { retentionMs: request.retentionMs, nowMs }) || item.va > nowMs) return true;
        const destination = await request.destination(item.src);
        if (!destination) {
          result.unroutable++;
          return true;
        }
        const messageId = randomUUID();
        if (item.n > 1) await this.copyExtraChunks(item, messageId, nowMs);
        const headSeq = sequenceOfSortKey(item.sk);
        const moved = await this.moveHead(group, groupId, headSeq, destination, nowMs, (pk, sk) => ({
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
  private async copyExtraChunks(item: MessageItem, messageId: string, nowMs: number): Promise<void> {
    const content = await this.storedContentOf(item);
    const chunks = encodeContent(content).slice(1);
    await this.db.batchWrite(
      chunks.map((chunk, k) => ({
        PutRequest: {
          Item: { pk: bodyPartition(messageId), sk: bodySortKey(k + 1), p: chunk, ttl: ttlFor(nowMs) },
        },
      })),
    );
  }

  /** A group's undeleted messages after its acknowledged prefix, oldest first, read strongly. */
  private async messagesAfter(group: ReadyGroup, limit: number): Promise<MessageItem[]> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND sk > :after',
      ExpressionAttributeValues: { ':pk': group.pk, ':after': groupMessageSortKey(group.ack) },
      ConsistentRead: true,
      Limit: limit,
    });
    return (out.Items ?? []) as MessageItem[];
  }

  /** Moves the group's acknowledged prefix over expired messages; nobody can claim it before `readyAtMs`. */
  private async release(group: ReadyGroup, ack: string, expired: string[], readyAtMs: number): Promise<void> {
    const names: Record<string, string> = {};
    const removes = forgetReceives(expired, names);
    const update = `SET #gsk = :ready, #ack = :ack, #lv = #lv + :one${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #n :expired`;
    await this.db.update({
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
  private async retireIfEmpty(group: ReadyGroup): Promise<void> {
    const key = { pk: group.pk, sk: GROUP_SORT_KEY };
    const current = (await this.db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
    if (!current || current.lv !== group.lv) return;
    // Read again after reading `last`: every message up to `last` was written before it.
    if ((await this.messagesAfter(group, 1)).length > 0) return;
    const update = 'SET #ack = :last, #n = :zeroCount, #lv = #lv + :one REMOVE #gsk, #held, #rc, #fr';
    await this.db.update({
      Key: key,
      UpdateExpression: update,
      ConditionExpression: '#lv = :lv AND #last = :last',
      ExpressionAttributeNames: namesFor(update, '#lv #last'),
      ExpressionAttributeValues: { ':last': current.last, ':zeroCount': 0, ':one': 1, ':lv': group.lv },
    });
  }

  private async deleteFromGroup(
    pk: string,
    receipts: readonly GroupReceipt[],
    nowMs: number,
  ): Promise<Map<GroupReceipt, DeleteOutcome>> {
    const key = { pk, sk: GROUP_SORT_KEY };
    const outcomes = new Map<GroupReceipt, DeleteOutcome>(receipts.map((r) => [r, 'deleted']));
    if (await this.deleteWholeLock(pk, receipts, nowMs)) return outcomes;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const group = (await this.db.get({ Key: key, ConsistentRead: true })) as GroupItem | undefined;
      if (!group) return outcomes;
      const held = group.held ?? {};
      const deleted = new Set<string>();
      for (const receipt of receipts) {
        const visibleAt = receipt.receiveId === group.rt ? held[receipt.sequenceNumber] : undefined;
        if (receipt.receiveId !== group.rt || (visibleAt !== undefined && visibleAt <= nowMs)) {
          outcomes.set(receipt, 'expired');
        } else if (visibleAt !== undefined) {
          deleted.add(receipt.sequenceNumber);
        }
        // Otherwise this lock already deleted it.
      }
      if (deleted.size === 0) return outcomes;
      const heldInOrder = Object.keys(held).sort();
      const remaining = heldInOrder.filter((seq) => !deleted.has(seq));
      // The acknowledged prefix moves over the deleted head of the lock; a message deleted behind one still
      // held is removed from the partition instead, so a later lock skips it.
      let ack = group.ack;
      for (const seq of heldInOrder) {
        if (!deleted.has(seq)) break;
        ack = seq;
      }
      const removedItems = [...deleted].filter((seq) => seq > ack);
      const names: Record<string, string> = {};
      const removes = forgetReceives([...deleted], names);
      const values: Record<string, unknown> = {
        ':ack': ack,
        ':one': 1,
        ':lv': group.lv,
        ':deleted': -deleted.size,
      };
      const sets = ['#ack = :ack', '#lv = #lv + :one'];
      let condition = '#lv = :lv';
      if (remaining.length > 0) {
        const still = Object.fromEntries(remaining.map((seq) => [seq, held[seq] as number]));
        sets.push('#held = :held', '#gsk = :lease');
        values[':held'] = still;
        values[':lease'] = leaseOf(still);
      } else if (group.last === ack) {
        // The group has nothing left: out of the ready index, unless a send arrives first.
        removes.push('#held', '#gsk');
        condition += ' AND #last = :ack';
      } else {
        removes.push('#held');
        sets.push('#gsk = :now');
        values[':now'] = nowMs;
      }
      const update = `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD #n :deleted`;
      const groupUpdate = {
        Key: key,
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...namesFor(update, condition), ...names },
        ExpressionAttributeValues: values,
      };
      if (removedItems.length === 0) {
        if (await this.db.update(groupUpdate)) return outcomes;
      } else {
        const reasons = await this.db.transactWrite([
          { Update: groupUpdate },
          ...removedItems.map((seq) => ({ Delete: { Key: { pk, sk: groupMessageSortKey(seq) } } })),
        ]);
        if (!reasons) return outcomes;
      }
      for (const receipt of receipts) outcomes.set(receipt, 'deleted');
    }
    throw new Error('FIFO DeleteMessage: too much contention on the message group');
  }

  /**
   * The common case without a read: the receipts are every message of one lock, and the lock is as its
   * receive left it (same version), so the group item's state is known from the receipts alone. False when
   * that does not hold; the caller then reads the group.
   */
  private async deleteWholeLock(
    pk: string,
    receipts: readonly GroupReceipt[],
    nowMs: number,
  ): Promise<boolean> {
    const lock = receipts[0]?.lock;
    const receiveId = receipts[0]?.receiveId;
    const sequences = new Set(receipts.filter((r) => r.receiveId === receiveId).map((r) => r.sequenceNumber));
    if (!lock || sequences.size !== lock.size || sequences.size !== receipts.length) return false;
    const names: Record<string, string> = {};
    const removes = ['#held', ...forgetReceives([...sequences], names)];
    const values: Record<string, unknown> = {
      ':ack': lock.last,
      ':one': 1,
      ':lv': lock.version,
      ':deleted': -sequences.size,
      ':now': nowMs,
    };
    const sets = ['#ack = :ack', '#lv = #lv + :one'];
    // Unchanged since the receive, so every message of the lock is visible again at `gsk`.
    let condition = '#lv = :lv AND #gsk > :now';
    if (lock.groupLast === lock.last) {
      // Nothing was sent after the lock's messages when it was taken; if that still holds, the group is empty.
      removes.push('#gsk');
      condition += ' AND #last = :ack';
    } else {
      sets.push('#gsk = :now');
    }
    const update = `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD #n :deleted`;
    return (
      (await this.db.update({
        Key: { pk, sk: GROUP_SORT_KEY },
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...namesFor(update, condition), ...names },
        ExpressionAttributeValues: values,
      })) !== undefined
    );
  }

  /**
   * A retried receive with the same attempt id gets the same messages and receipt handles, with their
   * visibility timeout restarted, while its lock still holds all of them; otherwise it receives afresh.
   */
  private async replayAttempt(
    request: ReceiveRequest,
    attemptId: string,
  ): Promise<ClaimedMessage<GroupReceipt>[] | undefined> {
    const attempt = (await this.db.get({
      Key: receiveAttemptKey(request.queue.id, attemptId),
      ConsistentRead: true,
    })) as AttemptItem | undefined;
    if (!attempt || attempt.exp <= request.nowMs || attempt.r.length === 0) return undefined;
    if (attempt.r.some((r) => r.queueId !== request.queue.id || r.epoch !== request.queue.epoch))
      return undefined;
    const byGroup = receiptsByGroup(attempt.r);
    const lease = request.nowMs + request.visibilityTimeoutMs;
    const groups = new Map<string, GroupItem>();
    for (const [pk, receipts] of byGroup) {
      const group = (await this.db.get({ Key: { pk, sk: GROUP_SORT_KEY }, ConsistentRead: true })) as
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
      const renewed = await this.db.update({
        Key: { pk, sk: GROUP_SORT_KEY },
        UpdateExpression: update,
        ConditionExpression: '#lv = :lv',
        ExpressionAttributeNames: namesFor(update, '#lv'),
        ExpressionAttributeValues: { ':held': held, ':lease': lease, ':one': 1, ':lv': group.lv },
      });
      if (!renewed) return undefined;
    }
    const items = (await this.db.batchGet(
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
        sequenceNumber: receipt.sequenceNumber,
        content: await this.contentOf(item),
        ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
      });
    }
    return replayed;
  }

  private async contentOf(item: MessageItem): Promise<MessageContent> {
    const content = await this.storedContentOf(item);
    return item.dd === undefined ? content : { ...content, deduplicationId: item.dd };
  }

  private async storedContentOf(item: MessageItem): Promise<MessageContent> {
    if (item.n <= 1) return decodeContent([item.p]);
    const parts: Uint8Array[] = [item.p];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': bodyPartition(item.id) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const chunk of out.Items ?? []) parts.push(chunk.p as Uint8Array);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    if (parts.length !== item.n) throw new Error(`FIFO message ${item.id}: content chunks missing`);
    return decodeContent(parts);
  }
}

/**
 * A send's update of its group: `last` moves to the batch's last sequence number, which must be above the
 * group's (concurrent senders serialise on it), and the group enters the ready index if it was empty.
 */
function groupSendUpdate(
  queue: QueueRecord,
  groupId: string,
  batch: { first: string; last: string; count: number; readyAtMs: number; nowMs: number },
) {
  const update =
    'SET #last = :last, #ack = if_not_exists(#ack, :zero), #lv = if_not_exists(#lv, :zeroCount), ' +
    '#rc = if_not_exists(#rc, :empty), #fr = if_not_exists(#fr, :empty), #gpk = if_not_exists(#gpk, :gpk), ' +
    '#gsk = if_not_exists(#gsk, :ready), #ttl = :ttl ADD #n :count';
  const condition = 'attribute_not_exists(#last) OR #last < :first';
  return {
    Key: { pk: groupPartition(queue.id, queue.epoch, groupId), sk: GROUP_SORT_KEY },
    UpdateExpression: update,
    ConditionExpression: condition,
    ExpressionAttributeNames: namesFor(update, condition),
    ExpressionAttributeValues: {
      ':last': batch.last,
      ':first': batch.first,
      ':zero': ZERO_SEQUENCE,
      ':zeroCount': 0,
      ':empty': {},
      ':gpk': readyPartition(queue.id, queue.epoch, shardOf(groupId, queue.shards)),
      ':ready': batch.readyAtMs,
      ':ttl': ttlFor(batch.nowMs),
      ':count': batch.count,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** How long this process remembers claimable groups a receive read from the index but did not try. */
const READY_CACHE_MS = 1_000;

/**
 * Claimable groups read from the ready index and left untried, per queue, for the next receive in this
 * process. Each is handed out once, so concurrent receives here try different groups.
 */
class ReadyGroupCache {
  private readonly byQueue = new Map<string, { readAtMs: number; groups: ReadyGroup[] }>();

  take(queue: QueueRecord, nowMs: number): ReadyGroup | undefined {
    const key = `${queue.id}#${queue.epoch}`;
    const entry = this.byQueue.get(key);
    if (!entry) return undefined;
    if (nowMs - entry.readAtMs > READY_CACHE_MS || entry.groups.length === 0) {
      this.byQueue.delete(key);
      return undefined;
    }
    return entry.groups.shift();
  }

  keep(queue: QueueRecord, groups: ReadyGroup[], nowMs: number): void {
    const key = `${queue.id}#${queue.epoch}`;
    if (groups.length > 0) this.byQueue.set(key, { readAtMs: nowMs, groups });
    // A queue with many groups and queues that went quiet: keep the map small.
    if (this.byQueue.size > 1_000) {
      for (const [other, entry] of this.byQueue)
        if (nowMs - entry.readAtMs > READY_CACHE_MS) this.byQueue.delete(other);
    }
  }
}

/** Retention counts from the send, or for a message in a FIFO dead-letter queue from its move there. */
function isExpiredIn(item: MessageItem, request: { retentionMs: number; nowMs: number }): boolean {
  return (item.et ?? item.st) + request.retentionMs <= request.nowMs;
}

/** Received as often as the redrive policy allows: the next receive moves it to the dead-letter queue. */
function isDeadIn(group: ReadyGroup, item: MessageItem, request: ReceiveRequest): boolean {
  const count = group.rc?.[sequenceOfSortKey(item.sk)] ?? 0;
  return request.deadLetter !== undefined && count >= request.deadLetter.maxReceiveCount;
}

/**
 * REMOVE paths for the receive counts and first-receive times of messages that are gone; their sequence
 * numbers are added to `names` as `#f0`, `#f1`, ….
 */
function forgetReceives(sequences: readonly string[], names: Record<string, string>): string[] {
  return sequences.flatMap((seq, k) => {
    names[`#f${k}`] = seq;
    return [`#rc.#f${k}`, `#fr.#f${k}`];
  });
}

function receiptsByGroup(receipts: readonly GroupReceipt[]): Map<string, GroupReceipt[]> {
  const byGroup = new Map<string, GroupReceipt[]>();
  for (const receipt of receipts) {
    const pk = groupPartition(receipt.queueId, receipt.epoch, receipt.groupId);
    byGroup.set(pk, [...(byGroup.get(pk) ?? []), receipt]);
  }
  return byGroup;
}

/** A lock lasts until the last of its messages becomes visible again. */
function leaseOf(held: Record<string, number>): number {
  return Math.max(...Object.values(held));
}

/** A sequence number is the time it was issued, in ms, times 10^7 plus a counter (see `planSend`). */
function sequenceTimeMs(sequence: string): number {
  return Number(BigInt(sequence) / 10_000_000n);
}

function formatSequence(sequence: bigint): string {
  return sequence.toString().padStart(SEQUENCE_DIGITS, '0');
}

/** Groups spread over the queue's ready shards by a hash of their id, so a group always has the same one. */
function shardOf(groupId: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (hash * 31 + groupId.charCodeAt(i)) >>> 0;
  return hash % shards;
}

function parseGroupPartition(pk: string, queue: QueueRecord) {
  const prefix = groupPartition(queue.id, queue.epoch, '');
  return { queueId: queue.id, epoch: queue.epoch, groupId: pk.slice(prefix.length) };
}

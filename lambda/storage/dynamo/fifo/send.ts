import { randomInt } from 'node:crypto';
import { DEDUPLICATION_INTERVAL_MS } from '../../../engine/limits.js';
import type { NewMessage, QueueRecord, SentMessage } from '../../store.js';
import { type Db, sleep, type TransactItem } from '../db.js';
import { encodeContent } from '../message-content.js';
import { storageThrottled } from '../retry-policy.js';
import {
  bodyPartition,
  bodySortKey,
  deduplicationKey,
  groupMessageSortKey,
  groupPartition,
} from '../schema.js';
import { ttlAfter, ttlFor } from '../ttl.js';
import {
  type DeduplicationItem,
  formatSequence,
  type GroupItem,
  groupSendUpdate,
  MAX_ATTEMPTS,
  type MessageItem,
} from './items.js';

/** Enqueues in order, in one transaction per attempt, each message atomically with its deduplication id. */
export async function sendMessages(
  db: Db,
  queue: QueueRecord,
  messages: readonly NewMessage[],
  nowMs: number,
): Promise<SentMessage[]> {
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
  await writeExtraChunks(db, messages, pending);
  const nextSequence = new Map<string, bigint>();
  for (let attempt = 0; pending.length > 0; attempt++) {
    // Other senders keep taking the groups' sequence numbers: SQS's throttling error, which SDKs retry.
    if (attempt >= MAX_ATTEMPTS) throw storageThrottled();
    if (attempt > 0) await sleep(randomInt(5, 20 * Math.min(attempt, 5)));
    const plan = planSend(queue, messages, pending, nextSequence, nowMs);
    const reasons = await db.transactWrite(plan.items);
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
    for (const i of duplicates) results[i] = await original(db, queue, messages[i] as NewMessage, nowMs);
    pending = pending.filter((i) => !duplicates.has(i) || results[i] === undefined);
  }
  return messages.map((message) => {
    const first = firstWithKey.get(message.deduplicationKey ?? message.messageId) as number;
    return results[first] as SentMessage;
  });
}

/** What the first send with this message's deduplication id enqueued, if it is remembered still. */
async function original(
  db: Db,
  queue: QueueRecord,
  message: NewMessage,
  nowMs: number,
): Promise<SentMessage | undefined> {
  const item = (await db.get({
    Key: deduplicationKey(queue.id, message.deduplicationKey ?? message.messageId),
    ConsistentRead: true,
  })) as DeduplicationItem | undefined;
  return item && item.exp > nowMs ? { messageId: item.id, sequenceNumber: item.seq } : undefined;
}

function planSend(
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
async function writeExtraChunks(
  db: Db,
  messages: readonly NewMessage[],
  indexes: readonly number[],
): Promise<void> {
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
  if (requests.length) await db.batchWrite(requests);
}

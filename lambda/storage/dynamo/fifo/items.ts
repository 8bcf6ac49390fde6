import type { GroupReceipt } from '../../../engine/receipt-handle.js';
import type { QueueRecord, ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import {
  GROUP_SORT_KEY,
  groupPartition,
  readyPartition,
  SEQUENCE_DIGITS,
  sequenceOfSortKey,
} from '../schema.js';
import { ttlFor } from '../ttl.js';
import type { ReadyGroupCache } from './ready-cache.js';

/** What the FIFO actions share: the table, and what this process remembers between requests. */
export interface FifoContext {
  /** The account whose queue records guard moves into a queue (queue-guard.ts). */
  readonly accountId: string;
  readonly db: Db;
  /** Claimable groups an earlier receive read from the ready index and left untried. */
  readonly readyGroups: ReadyGroupCache;
  /** The last sequence number this process issued in a group by moving a message there. */
  readonly movedSequences: Map<string, bigint>;
}

/**
 * The group item: a FIFO message group's lock and bookkeeping. Senders touch only `last`, `n`, `ttl` and,
 * when the group had no messages, `gsk`; everything a receive decides on changes `lv`, the lock version,
 * so every receiver-side write is a compare-and-set on `lv`.
 */
export interface GroupItem {
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
export interface ReadyGroup {
  pk: string;
  ack: string;
  lv: number;
  rc?: Record<string, number>;
}

/** A message in its group's partition, at its sequence number. */
export interface MessageItem {
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

/** A deduplication id remembered for the deduplication interval, with what its first send enqueued. */
export interface DeduplicationItem {
  pk: string;
  sk: string;
  id: string;
  seq: string;
  /** Remembered until, ms. */
  exp: number;
  ttl: number;
}

/** A receive request attempt id remembered for the deduplication interval, with what it returned. */
export interface AttemptItem {
  pk: string;
  sk: string;
  exp: number;
  /** The receipts the attempt returned. */
  r: GroupReceipt[];
  ttl: number;
}

/** Attempts of one send or one lock change before giving up on a contended group. */
export const MAX_ATTEMPTS = 25;
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
export function namesFor(...expressions: string[]): Names {
  const text = expressions.join(' ');
  const names: Names = {};
  for (const [alias, name] of Object.entries(NAMES)) {
    if (new RegExp(`${alias}\\b`).test(text)) names[alias] = name;
  }
  return names;
}

/**
 * A send's update of its group: `last` moves to the batch's last sequence number, which must be above the
 * group's (concurrent senders serialise on it), and the group enters the ready index if it was empty.
 */
export function groupSendUpdate(
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

/** Retention counts from the send, or for a message in a FIFO dead-letter queue from its move there. */
export function isExpiredIn(item: MessageItem, request: { retentionMs: number; nowMs: number }): boolean {
  return (item.et ?? item.st) + request.retentionMs <= request.nowMs;
}

/** Received as often as the redrive policy allows: the next receive moves it to the dead-letter queue. */
export function isDeadIn(group: ReadyGroup, item: MessageItem, request: ReceiveRequest): boolean {
  const count = group.rc?.[sequenceOfSortKey(item.sk)] ?? 0;
  return request.deadLetter !== undefined && count >= request.deadLetter.maxReceiveCount;
}

/**
 * REMOVE paths for the receive counts and first-receive times of messages that are gone; their sequence
 * numbers are added to `names` as `#f0`, `#f1`, ….
 */
export function forgetReceives(sequences: readonly string[], names: Record<string, string>): string[] {
  return sequences.flatMap((seq, k) => {
    names[`#f${k}`] = seq;
    return [`#rc.#f${k}`, `#fr.#f${k}`];
  });
}

/** Receipts by the partition of their group. */
export function receiptsByGroup(receipts: readonly GroupReceipt[]): Map<string, GroupReceipt[]> {
  const byGroup = new Map<string, GroupReceipt[]>();
  for (const receipt of receipts) {
    const pk = groupPartition(receipt.queueId, receipt.epoch, receipt.groupId);
    byGroup.set(pk, [...(byGroup.get(pk) ?? []), receipt]);
  }
  return byGroup;
}

/** A lock lasts until the last of its messages becomes visible again. */
export function leaseOf(held: Record<string, number>): number {
  return Math.max(...Object.values(held));
}

/** A sequence number is the time it was issued, in ms, times 10^7 plus a counter (see `planSend`). */
export function sequenceTimeMs(sequence: string): number {
  return Number(BigInt(sequence) / 10_000_000n);
}

/** A sequence number as stored: 20 digits, zero-padded, so it sorts as a string. */
export function formatSequence(sequence: bigint): string {
  return sequence.toString().padStart(SEQUENCE_DIGITS, '0');
}

/** Groups spread over the queue's ready shards by a hash of their id, so a group always has the same one. */
function shardOf(groupId: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (hash * 31 + groupId.charCodeAt(i)) >>> 0;
  return hash % shards;
}

/** The queue, epoch and group id of a group partition of `queue`. */
export function parseGroupPartition(pk: string, queue: QueueRecord) {
  const prefix = groupPartition(queue.id, queue.epoch, '');
  return { queueId: queue.id, epoch: queue.epoch, groupId: pk.slice(prefix.length) };
}

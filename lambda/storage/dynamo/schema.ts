/**
 * The table layout: one table, string keys `pk` and `sk`, TTL attribute `ttl`. The CDK table construct
 * and `ensureTable` both import these names. docs/design.md explains each item.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'ttl';

/** Queue record: one partition per account, sorted by queue name (ListQueues is a Query). */
export function queueKey(accountId: string, queueName: string) {
  return { pk: `Q#${accountId}`, sk: queueName };
}

export function queuePartition(accountId: string): string {
  return `Q#${accountId}`;
}

export const RECEIPT_SECRET_KEY = { pk: 'SECRET', sk: 'receipt-handle' } as const;

/** Access keys (docs/design.md, "Authentication"): one partition, sorted by access key id; a handful of items. */
export const ACCESS_KEY_PARTITION = 'KEY';

export function accessKeyKey(accessKeyId: string) {
  return { pk: ACCESS_KEY_PARTITION, sk: accessKeyId };
}

/** Message state lives in the queue's timeline: partition per queue, epoch and shard. */
export function timelinePartition(queueId: string, epoch: number, shard: number): string {
  return `T#${queueId}#${epoch}#${shard}`;
}

const TIME_DIGITS = 13;

/** Sort key of a state item: the instant it becomes receivable, then the message id, so a Query finds due messages. */
export function timelineSortKey(visibleAtMs: number, messageId: string): string {
  return `${String(visibleAtMs).padStart(TIME_DIGITS, '0')}#${messageId}`;
}

/** A wake-up pointer: makes a message whose visibility was shortened receivable earlier than its key says. */
export function wakeSortKey(visibleAtMs: number, messageId: string): string {
  return `${timelineSortKey(visibleAtMs, messageId)}#w`;
}

/** Upper bound for "receivable at or before nowMs": `~` sorts after `#`. */
export function dueBound(nowMs: number): string {
  return `${String(nowMs).padStart(TIME_DIGITS, '0')}~`;
}

export function visibleAtOfSortKey(sk: string): number {
  return Number(sk.slice(0, TIME_DIGITS));
}

export function isWakeSortKey(sk: string): boolean {
  return sk.endsWith('#w');
}

/** Message content: written once, never updated; chunked when it would not fit one 400 KB item. */
export function bodyPartition(messageId: string): string {
  return `B#${messageId}`;
}

export function bodySortKey(chunk: number): string {
  return String(chunk).padStart(2, '0');
}

/**
 * FIFO queues (docs/design.md, "FIFO queues"): one partition per message group holds the group item, which is
 * the group's lock, and its messages in sequence order.
 */
export function groupPartition(queueId: string, epoch: number, groupId: string): string {
  return `G#${queueId}#${epoch}#${groupId}`;
}

/** The group item sorts before its messages (`#` < `m`). */
export const GROUP_SORT_KEY = '#';

/** Sequence numbers are 20 digits, so their strings sort as their numbers do. */
export const SEQUENCE_DIGITS = 20;

export function groupMessageSortKey(sequenceNumber: string): string {
  return `m#${sequenceNumber}`;
}

export function sequenceOfSortKey(sk: string): string {
  return sk.slice(2);
}

/**
 * The sparse "ready groups" index: a group item is in it, under its queue's ready shard, while the group has
 * messages; its sort key is the moment the group can next be claimed (its lock's expiry while it is held).
 */
export const READY_INDEX = 'ready';
export const READY_PARTITION_KEY = 'gpk';
export const READY_SORT_KEY = 'gsk';
/**
 * Projected into the index so a receive can read a group's messages, and see which have been received as often
 * as a redrive policy allows, without reading the group item first.
 */
export const READY_PROJECTED = ['ack', 'lv', 'rc'] as const;

export function readyPartition(queueId: string, epoch: number, shard: number): string {
  return `R#${queueId}#${epoch}#${shard}`;
}

/**
 * A deduplication id remembered for five minutes; not keyed by epoch, so a purge does not forget it. The key
 * already qualifies the id by group when the queue deduplicates per group.
 */
export function deduplicationKey(queueId: string, key: string) {
  return { pk: `D#${queueId}#${key}`, sk: 'D' };
}

/** A FIFO receive made with a ReceiveRequestAttemptId, remembered for five minutes. */
export function receiveAttemptKey(queueId: string, attemptId: string) {
  return { pk: `A#${queueId}#${attemptId}`, sk: 'A' };
}

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

import type { Receipt } from '../../../engine/receipt-handle.js';
import type { ReceiveRequest } from '../../store.js';
import type { Db } from '../db.js';
import type { NoisyLanes } from '../lanes.js';
import { timelinePartition, timelineSortKey, visibleAtOfSortKey } from '../schema.js';

/** What the Standard actions share: the table, and this process's memo of each queue's noisy lane. */
export interface TimelineContext {
  readonly db: Db;
  /** The account whose queue records guard moves into a queue (queue-guard.ts). */
  readonly accountId: string;
  readonly lanes: NoisyLanes;
}

/** A state item in a queue's timeline (see docs/design.md): small, moved on every receive. */
export interface StateItem {
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
export interface WakeItem {
  pk: string;
  sk: string;
  /** Sort key of the state item it wakes. */
  tgt: string;
  /** The receive the change was made for. */
  rt: string;
}

/** Candidates read per Query: wider than the request so concurrent receivers rarely pick the same message. */
export const MIN_WINDOW = 16;

/** Condition: the item is still there. */
export const exists = 'attribute_exists(pk)';
/** Condition: no ChangeMessageVisibility has made the item invisible again since it was read. */
const notExtended = '(attribute_not_exists(vt) OR vt <= :now)';

/** The condition that the state item is still as this receiver read it: same receive, not extended since. */
export function unchangedSince(item: StateItem, nowMs: number, extraValues: Record<string, unknown> = {}) {
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

/** Past the queue's retention period, counted from the send. */
export function isExpired(item: StateItem, request: ReceiveRequest): boolean {
  return item.st + request.retentionMs <= request.nowMs;
}

/** Received as often as the queue's redrive policy allows: the next receive moves it to the dead-letter queue. */
export function isDead(item: StateItem, request: ReceiveRequest): boolean {
  return request.deadLetter !== undefined && item.rc >= request.deadLetter.maxReceiveCount;
}

/** When the message becomes receivable: the time in its key, unless ChangeMessageVisibility moved it. */
export function visibleAt(item: StateItem): number {
  return item.vt ?? visibleAtOfSortKey(item.sk);
}

/** The key of the state item a receipt's receive created. */
export function stateKey(receipt: Receipt): { pk: string; sk: string } {
  return {
    pk: timelinePartition(receipt.queueId, receipt.epoch, receipt.shard),
    sk: timelineSortKey(receipt.visibleAtMs, receipt.messageId),
  };
}

import type { AnyReceipt, Receipt } from '../engine/receipt-handle.js';
import type { MessageAttributes, StringMap } from '../engine/types.js';

/**
 * The storage port: what the engine needs from a database, in engine types. The DynamoDB adapter
 * (storage/dynamo/) implements it; nothing here knows keys, items or conditions.
 */

/** A queue as stored: its settable attributes (defaults filled in), tags and bookkeeping. */
export interface QueueRecord {
  readonly name: string;
  /** Immutable id chosen at creation, so a queue deleted and created again starts empty. */
  readonly id: string;
  readonly attributes: StringMap;
  readonly tags: StringMap;
  readonly createdMs: number;
  readonly modifiedMs: number;
  /** Purge generation: messages of earlier epochs are gone. */
  readonly epoch: number;
  /** How many partitions the queue's messages are spread over. */
  readonly shards: number;
  /** @default - never purged */
  readonly lastPurgeMs?: number;
}

/** What a message carries, written once at send and returned by every receive. */
export interface MessageContent {
  readonly body: string;
  readonly messageAttributes: MessageAttributes;
  readonly messageSystemAttributes: MessageAttributes;
  readonly senderId: string;
  /** FIFO message group, or a fair queue's tenant on a Standard queue. @default - none */
  readonly groupId?: string;
  /** FIFO only: the deduplication id given or derived from the body. @default - none */
  readonly deduplicationId?: string;
}

export interface NewMessage {
  readonly messageId: string;
  readonly sentMs: number;
  /** First moment a receive may return it (send time plus delay). */
  readonly visibleAtMs: number;
  readonly content: MessageContent;
  /**
   * Standard queues: where the message waits. Receivers read the noisy lane after the normal one (and first
   * in one receive out of ten), so a noisy tenant's backlog does not hold up quiet tenants' messages.
   * @default - the normal lane
   */
  readonly lane?: 'normal' | 'noisy';
  /**
   * FIFO only: the deduplication id, qualified by group when the queue deduplicates per group. A message
   * whose key was sent in the last five minutes is not enqueued again. @default - none (Standard)
   */
  readonly deduplicationKey?: string;
}

/** What a send enqueued, or for a FIFO duplicate, what the original send enqueued. */
export interface SentMessage {
  readonly messageId: string;
  /** FIFO only. @default - none */
  readonly sequenceNumber?: string;
}

export interface ReceiveRequest {
  readonly queue: QueueRecord;
  readonly maxMessages: number;
  readonly visibilityTimeoutMs: number;
  readonly nowMs: number;
  /** Messages sent this long ago or earlier have expired: never returned, removed when met. */
  readonly retentionMs: number;
  /** FIFO only: a retry with the same id within five minutes gets the same messages. @default - none */
  readonly attemptId?: string;
}

export interface ClaimedMessage<R extends AnyReceipt = Receipt> {
  readonly receipt: R;
  readonly messageId: string;
  readonly sentMs: number;
  /** Including this receive. */
  readonly receiveCount: number;
  readonly firstReceiveMs: number;
  readonly content: MessageContent;
  /** FIFO only. @default - none */
  readonly sequenceNumber?: string;
}

export const VISIBILITY_CHANGE = {
  changed: 'changed',
  /** The message is still there for this receipt, but its visibility timeout already ran out. */
  notInflight: 'notInflight',
  /** The message was deleted, or received again since this receipt was issued. */
  receiptExpired: 'receiptExpired',
} as const;

export type VisibilityChange = (typeof VISIBILITY_CHANGE)[keyof typeof VISIBILITY_CHANGE];

/** FIFO queues keep their messages per group, in order; Standard queues on a timeline. */
export function isFifoRecord(queue: QueueRecord): boolean {
  return queue.attributes.FifoQueue === 'true';
}

export type DeleteOutcome = 'deleted' | 'expired';

export interface MessageCounts {
  readonly visible: number;
  readonly inflight: number;
  readonly delayed: number;
}

export interface QueueListPage {
  readonly names: readonly string[];
  /** @default - this was the last page */
  readonly lastName?: string;
}

export interface Store {
  /** A secret shared by every instance of the service (receipt-handle HMAC key), created on first use. */
  loadReceiptSecret(): Promise<Uint8Array>;

  /** Creates the queue; when the name is taken, changes nothing and returns the existing record. */
  createQueue(record: QueueRecord): Promise<QueueRecord | undefined>;
  getQueue(name: string): Promise<QueueRecord | undefined>;
  listQueues(options: { prefix: string; limit: number; afterName?: string }): Promise<QueueListPage>;
  /** False when no queue with this name and id exists any more. */
  deleteQueue(queue: QueueRecord): Promise<boolean>;
  /** Sets attributes and tags, removes tag keys; false when the queue is gone. */
  updateQueue(
    queue: QueueRecord,
    change: {
      attributes?: StringMap;
      tags?: StringMap;
      removeTagKeys?: readonly string[];
      modifiedMs?: number;
    },
  ): Promise<boolean>;
  /** Starts a new epoch unless the last purge was less than `minIntervalMs` ago: then false. */
  purgeQueue(queue: QueueRecord, nowMs: number, minIntervalMs: number): Promise<boolean>;

  /** Enqueues in order; for FIFO queues atomically with their deduplication and sequence numbers. */
  putMessages(queue: QueueRecord, messages: readonly NewMessage[]): Promise<SentMessage[]>;
  /** Claims up to `maxMessages` visible messages: no other receive gets them until the timeout runs out. */
  receiveMessages(request: ReceiveRequest): Promise<ClaimedMessage<AnyReceipt>[]>;
  /** Removes the messages these receipts name; a receipt superseded by a later receive removes nothing. */
  /**
   * Removes the messages these receipts name, answering for each receipt in order. A Standard receipt
   * superseded by a later receive removes nothing and still answers `deleted` (SQS: "succeeds, but might not
   * delete"); a FIFO receipt whose visibility timeout ran out answers `expired` and removes nothing.
   */
  deleteMessages(receipts: readonly AnyReceipt[], nowMs: number): Promise<DeleteOutcome[]>;
  changeVisibility(receipt: AnyReceipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange>;
  countMessages(queue: QueueRecord, nowMs: number, retentionMs: number): Promise<MessageCounts>;
}

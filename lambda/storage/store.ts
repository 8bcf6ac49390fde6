import type { AnyReceipt, Receipt } from '../engine/receipt-handle.js';
import type { MessageAttributes, MoveTaskStatus, StringMap } from '../engine/types.js';

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
  /** The source queue's ARN, for a message a dead-letter queue received from it. @default - none */
  readonly deadLetterSourceArn?: string;
}

/** Where a source queue's messages go once received `maxReceiveCount` times (its RedrivePolicy). */
export interface DeadLetterTarget {
  readonly queue: QueueRecord;
  readonly maxReceiveCount: number;
  /** Returned with moved messages as the DeadLetterQueueSourceArn system attribute. */
  readonly sourceArn: string;
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
  /**
   * A message already received `maxReceiveCount` times is moved there by the receive that finds it, instead
   * of being returned. @default - the queue has no dead-letter queue
   */
  readonly deadLetter?: DeadLetterTarget;
  /**
   * Called once for each message this receive moved to the dead-letter queue, after the move is written.
   * @default - nothing is told
   */
  readonly onMovedToDeadLetter?: () => void;
}

export interface ClaimedMessage<R extends AnyReceipt = Receipt> {
  readonly receipt: R;
  readonly messageId: string;
  readonly sentMs: number;
  /** Including this receive. */
  readonly receiveCount: number;
  readonly firstReceiveMs: number;
  /**
   * When this receive's visibility timeout ends: counted from the claim's write, not the receive's start. A message
   * that is visible again before the answer leaves must not be handed out (another receiver may hold it).
   */
  readonly visibleUntilMs: number;
  readonly content: MessageContent;
  /** FIFO only. @default - none */
  readonly sequenceNumber?: string;
  /** The source queue's ARN, for a message a dead-letter queue received from it. @default - none */
  readonly deadLetterSourceArn?: string;
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

/** One step of a message move task: take receivable messages out of a dead-letter queue into their destinations. */
export interface RedriveRequest {
  /** The dead-letter queue. */
  readonly source: QueueRecord;
  readonly max: number;
  readonly nowMs: number;
  /** The source's retention: expired messages are not moved. */
  readonly retentionMs: number;
  /**
   * Where a message goes, given the ARN of the queue it was dead-lettered from (undefined for a message sent
   * to the dead-letter queue directly); undefined leaves it where it is.
   */
  readonly destination: (deadLetterSourceArn: string | undefined) => Promise<QueueRecord | undefined>;
}

export interface RedriveResult {
  readonly moved: number;
  /** Receivable messages left that have a destination: another step has work. */
  readonly remaining: boolean;
  /** Messages left because `destination` gave none. */
  readonly unroutable: number;
}

export interface MessageCounts {
  readonly visible: number;
  readonly inflight: number;
  readonly delayed: number;
  /**
   * When the oldest message counted entered the queue (epoch ms): its send, or its move into this dead-letter
   * queue. Standard queues leave out messages received 3 times or more while others remain, as SQS does.
   * @default - the queue holds no message, or `withOldest` was not asked
   */
  readonly oldestMs?: number;
}

export interface QueueListPage {
  readonly names: readonly string[];
  /** @default - this was the last page */
  readonly lastName?: string;
}

/** Whole queue records, in name order. */
export interface QueueRecordPage {
  readonly records: readonly QueueRecord[];
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
  /**
   * Counts the queue's messages by state; with `withOldest`, also finds when the oldest entered the queue (free
   * for Standard queues, one small read per message group whose head was never received for FIFO queues).
   */
  countMessages(
    queue: QueueRecord,
    nowMs: number,
    retentionMs: number,
    options?: { readonly withOldest?: boolean },
  ): Promise<MessageCounts>;
  /**
   * Moves up to `max` receivable messages of a dead-letter queue, each atomically (gone from it and in its
   * destination, never both, never neither), as new messages: new MessageId, sent now, never received.
   */
  redriveMessages(request: RedriveRequest): Promise<RedriveResult>;

  /**
   * Stores a new RUNNING task and makes it its dead-letter queue's active task, atomically; false (and nothing
   * stored) when the queue already has an active task, so of two concurrent starts only one wins.
   */
  createMoveTask(task: MoveTaskRecord): Promise<boolean>;
  /** The dead-letter queue's tasks, most recently started first. */
  listMoveTasks(sourceQueueId: string, limit: number): Promise<MoveTaskRecord[]>;
  /** Every RUNNING or CANCELLING task, of every queue: the work of move task runners. */
  listActiveMoveTasks(): Promise<MoveTaskRecord[]>;
  /**
   * RUNNING to CANCELLING, for the queue's active task with this id; undefined when the queue has no active
   * task of that id, or it is already cancelling.
   */
  cancelMoveTask(sourceQueueId: string, taskId: string): Promise<MoveTaskRecord | undefined>;
  /**
   * Takes the task for `owner` until `untilMs`, or renews its lease: only while it is RUNNING or CANCELLING,
   * and its lease is free, expired at `nowMs` or already `owner`'s. Undefined when another runner holds it.
   */
  leaseMoveTask(
    task: MoveTaskKey,
    owner: string,
    nowMs: number,
    untilMs: number,
  ): Promise<MoveTaskRecord | undefined>;
  /**
   * Adds `addMoved` to the task's count, and sets its lease to end at `leaseUntilMs` while `owner` holds it
   * (a time in the past releases it). The count is added even when `owner` lost the lease: those messages did
   * move. Returns the task as it is now; undefined when it does not exist.
   */
  recordMoveTaskProgress(
    task: MoveTaskKey,
    owner: string,
    addMoved: number,
    leaseUntilMs: number,
  ): Promise<MoveTaskRecord | undefined>;
  /**
   * Ends the task (adding `addMoved` to its count) and frees its queue for a new task, atomically: only while
   * it has the `expected` status and `end.owner` holds its lease (or, without an owner, no lease is held).
   */
  endMoveTask(task: MoveTaskKey, end: MoveTaskEnd): Promise<MoveTaskEndResult>;

  /**
   * Reads a page of the queue's messages, visible, in flight and delayed, without receiving them: no write,
   * no change to visibility, receive counts or dead-letter counting. Eventually consistent.
   */
  peekMessages(request: PeekRequest): Promise<PeekPage>;
  /** The message a peek located, if it is still there (the whole content, read strongly). */
  readMessage(queue: QueueRecord, locator: MessageLocator, nowMs: number): Promise<PeekedMessage | undefined>;
  /** FIFO only: the groups that hold messages, in group id order, after `afterGroupId` when given. */
  listMessageGroups(
    queue: QueueRecord,
    nowMs: number,
    options: { limit: number; afterGroupId?: string },
  ): Promise<{ groups: MessageGroupSummary[]; lastGroupId?: string }>;
  /**
   * Deletes the message a peek located, without a receipt, whatever its state; cleans what a delete by receipt
   * cleans (FIFO: the group's bookkeeping). `notFound` when it is no longer there (a Standard message received
   * since the peek has moved: the caller may search for it again).
   */
  deleteMessageById(queue: QueueRecord, locator: MessageLocator, nowMs: number): Promise<DeleteByIdOutcome>;

  /** Every queue of the account with its attributes, a page at a time, after `afterName` when given. */
  listQueueRecords(options: { limit: number; afterName?: string }): Promise<QueueRecordPage>;
}

/** Where a peek found a message: enough to read or delete that one message again without a receipt. */
export type MessageLocator =
  | {
      readonly kind: 'timeline';
      readonly messageId: string;
      readonly epoch: number;
      readonly shard: number;
      /** The time in the state item's key when the peek read it (a receive moves the item). */
      readonly visibleAtMs: number;
    }
  | {
      readonly kind: 'group';
      readonly messageId: string;
      readonly epoch: number;
      readonly groupId: string;
      readonly sequenceNumber: string;
    };

/** Where a page of a peek ended; the next page starts after it. */
export type PeekPosition =
  | { readonly kind: 'timeline'; readonly visibleAtMs: number; readonly messageId: string }
  | { readonly kind: 'group'; readonly sequenceNumber: string; readonly groupId: string };

export interface PeekRequest {
  readonly queue: QueueRecord;
  readonly nowMs: number;
  /** Expired messages (sent this long ago or earlier) are left out. */
  readonly retentionMs: number;
  /** `oldest`: the order receives take them (FIFO: sequence order); `newest`: the reverse. */
  readonly order: 'oldest' | 'newest';
  readonly limit: number;
  /** @default - from the first message */
  readonly after?: PeekPosition;
  /** FIFO only: one group's messages. @default - every group */
  readonly groupId?: string;
}

/** A message as a peek sees it: read from storage, nothing written. */
export interface PeekedMessage {
  readonly locator: MessageLocator;
  readonly messageId: string;
  readonly sentMs: number;
  readonly receiveCount: number;
  /** @default - never received */
  readonly firstReceiveMs?: number;
  readonly state: 'visible' | 'inFlight' | 'delayed';
  /** When an in-flight or delayed message becomes receivable. @default - it is visible */
  readonly visibleAtMs?: number;
  readonly content: MessageContent;
  /** FIFO only. @default - none */
  readonly sequenceNumber?: string;
  /** The source queue's ARN, for a message a dead-letter queue received from it. @default - none */
  readonly deadLetterSourceArn?: string;
}

export interface PeekPage {
  readonly messages: readonly PeekedMessage[];
  /** @default - this was the last page */
  readonly next?: PeekPosition;
}

/** A FIFO message group that holds messages, as a peek sees it. */
export interface MessageGroupSummary {
  readonly groupId: string;
  /** Undeleted messages. */
  readonly messages: number;
  /** Of those, held by a receive now. */
  readonly inFlight: number;
  /** A receive could take the group now. */
  readonly receivable: boolean;
}

/** The outcome of a delete by message id. */
export type DeleteByIdOutcome = 'deleted' | 'notFound';

/** A message move task as stored; engine/move-tasks.ts has its rules. */
export interface MoveTaskRecord {
  /** The dead-letter queue's id: tasks belong to it, and end when it is deleted. */
  readonly sourceQueueId: string;
  readonly taskId: string;
  readonly startedMs: number;
  readonly sourceArn: string;
  /** @default - each message goes back to the queue it came from */
  readonly destinationArn?: string;
  /** @default - no rate: as fast as is safe */
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly status: MoveTaskStatus;
  /** The dead-letter queue's depth at the start: the task moves at most this many. */
  readonly toMove: number;
  readonly moved: number;
  /** FAILED tasks only. @default - none */
  readonly failureReason?: string;
  /** The runner that moves the task's messages, while it runs. @default - none */
  readonly leaseOwner?: string;
  /** When the runner's hold ends unless it renews it. @default - none */
  readonly leaseUntilMs?: number;
}

/** What names a task in storage. */
export type MoveTaskKey = Pick<MoveTaskRecord, 'sourceQueueId' | 'startedMs' | 'taskId'>;

export interface MoveTaskEnd {
  readonly status: Extract<MoveTaskStatus, 'COMPLETED' | 'CANCELLED' | 'FAILED'>;
  /** The status the task must still have. */
  readonly expected: Extract<MoveTaskStatus, 'RUNNING' | 'CANCELLING'>;
  readonly addMoved: number;
  /** @default - none */
  readonly failureReason?: string;
  /** The runner holding the lease. @default - nobody: the task must have no live lease */
  readonly owner?: string;
  readonly nowMs: number;
}

export type MoveTaskEndResult =
  | { readonly ended: true }
  /** The task as it was when the condition failed; undefined when it does not exist. */
  | { readonly ended: false; readonly current: MoveTaskRecord | undefined };

import type { GroupReceipt } from '../../../engine/receipt-handle.js';
import type {
  ClaimedMessage,
  DeleteByIdOutcome,
  DeleteOutcome,
  MessageCounts,
  MessageGroupSummary,
  MessageLocator,
  NewMessage,
  PeekedMessage,
  PeekPage,
  PeekRequest,
  QueueRecord,
  ReceiveRequest,
  RedriveRequest,
  RedriveResult,
  SentMessage,
  VisibilityChange,
} from '../../store.js';
import type { Db } from '../db.js';
import { countMessages } from './counts.js';
import { redriveMessages } from './dead-letter.js';
import { changeVisibility, deleteMessages } from './delete.js';
import { deleteMessageById } from './delete-by-id.js';
import type { FifoContext } from './items.js';
import { receiveMessages } from './lock.js';
import * as peek from './peek.js';
import { ReadyGroupCache } from './ready-cache.js';
import { sendMessages } from './send.js';

/**
 * FIFO queues on DynamoDB: the "group lock" design (docs/design.md). Messages live in their group's
 * partition in sequence order; the group item is the lock; a sparse index lists the groups that can be claimed.
 * Each action lives in its own file in this folder; this class only holds what they share.
 */
export class FifoGroups {
  private readonly context: FifoContext;

  constructor(db: Db, accountId: string) {
    this.context = {
      db,
      accountId,
      readyGroups: new ReadyGroupCache(),
      movedSequences: new Map<string, bigint>(),
    };
  }

  send(queue: QueueRecord, messages: readonly NewMessage[], nowMs: number): Promise<SentMessage[]> {
    return sendMessages(this.context.db, queue, messages, nowMs);
  }

  receive(request: ReceiveRequest): Promise<ClaimedMessage<GroupReceipt>[]> {
    return receiveMessages(this.context, request);
  }

  delete(receipts: readonly GroupReceipt[], nowMs: number): Promise<Map<GroupReceipt, DeleteOutcome>> {
    return deleteMessages(this.context.db, receipts, nowMs);
  }

  changeVisibility(receipt: GroupReceipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange> {
    return changeVisibility(this.context.db, receipt, visibleAtMs, nowMs);
  }

  count(queue: QueueRecord, nowMs: number, withOldest: boolean): Promise<MessageCounts> {
    return countMessages(this.context.db, queue, nowMs, withOldest);
  }

  redrive(request: RedriveRequest): Promise<RedriveResult> {
    return redriveMessages(this.context, request);
  }

  peek(request: PeekRequest): Promise<PeekPage> {
    return peek.peekMessages(this.context.db, request);
  }

  read(
    queue: QueueRecord,
    locator: Extract<MessageLocator, { kind: 'group' }>,
    nowMs: number,
  ): Promise<PeekedMessage | undefined> {
    return peek.readMessage(this.context.db, queue, locator, nowMs);
  }

  listGroups(
    queue: QueueRecord,
    nowMs: number,
    options: { limit: number; afterGroupId?: string },
  ): Promise<{ groups: MessageGroupSummary[]; lastGroupId?: string }> {
    return peek.listMessageGroups(this.context.db, queue, nowMs, options);
  }

  deleteById(
    queue: QueueRecord,
    locator: Extract<MessageLocator, { kind: 'group' }>,
    nowMs: number,
  ): Promise<DeleteByIdOutcome> {
    return deleteMessageById(this.context.db, queue, locator, nowMs);
  }
}

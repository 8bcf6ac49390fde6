import type { Receipt } from '../../../engine/receipt-handle.js';
import type {
  ClaimedMessage,
  DeleteByIdOutcome,
  MessageCounts,
  MessageLocator,
  NewMessage,
  PeekedMessage,
  PeekPage,
  PeekRequest,
  QueueRecord,
  ReceiveRequest,
  RedriveRequest,
  RedriveResult,
  VisibilityChange,
} from '../../store.js';
import type { Db } from '../db.js';
import { NoisyLanes } from '../lanes.js';
import { countMessages } from './counts.js';
import { redriveMessages } from './dead-letter.js';
import { deleteMessages } from './delete.js';
import type { TimelineContext } from './items.js';
import * as peek from './peek.js';
import { receiveMessages } from './receive.js';
import { putMessages } from './send.js';
import { changeVisibility } from './visibility.js';

/**
 * Standard queues on DynamoDB: the "timeline" design (docs/design.md). Each action lives in its own file in
 * this folder; this class only holds what they share.
 */
export class Timeline {
  private readonly context: TimelineContext;

  constructor(db: Db, accountId: string) {
    this.context = { db, accountId, lanes: new NoisyLanes(db) };
  }

  put(queue: QueueRecord, messages: readonly NewMessage[]): Promise<void> {
    return putMessages(this.context, queue, messages);
  }

  receive(request: ReceiveRequest): Promise<ClaimedMessage[]> {
    return receiveMessages(this.context, request);
  }

  delete(receipts: readonly Receipt[]): Promise<void> {
    return deleteMessages(this.context.db, receipts);
  }

  changeVisibility(receipt: Receipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange> {
    return changeVisibility(this.context.db, receipt, visibleAtMs, nowMs);
  }

  redrive(request: RedriveRequest): Promise<RedriveResult> {
    return redriveMessages(this.context, request);
  }

  count(queue: QueueRecord, nowMs: number, retentionMs: number): Promise<MessageCounts> {
    return countMessages(this.context, queue, nowMs, retentionMs);
  }

  peek(request: PeekRequest): Promise<PeekPage> {
    return peek.peekMessages(this.context.db, request);
  }

  read(
    queue: QueueRecord,
    locator: Extract<MessageLocator, { kind: 'timeline' }>,
    nowMs: number,
  ): Promise<PeekedMessage | undefined> {
    return peek.readMessage(this.context.db, queue, locator, nowMs);
  }

  deleteById(
    queue: QueueRecord,
    locator: Extract<MessageLocator, { kind: 'timeline' }>,
  ): Promise<DeleteByIdOutcome> {
    return peek.deleteMessageById(this.context.db, queue, locator);
  }
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AnyReceipt,
  type GroupReceipt,
  isGroupReceipt,
  type Receipt,
} from '../../engine/receipt-handle.js';
import {
  type ClaimedMessage,
  type DeleteByIdOutcome,
  type DeleteOutcome,
  isFifoRecord,
  type MessageCounts,
  type MessageGroupSummary,
  type MessageLocator,
  type MoveTaskEnd,
  type MoveTaskEndResult,
  type MoveTaskKey,
  type MoveTaskRecord,
  type NewMessage,
  type PeekedMessage,
  type PeekPage,
  type PeekRequest,
  type QueueListPage,
  type QueueRecord,
  type QueueRecordPage,
  type ReceiveRequest,
  type RedriveRequest,
  type RedriveResult,
  type SentMessage,
  type Store,
  type VisibilityChange,
} from '../store.js';
import type { CapacityMeter } from './capacity-meter.js';
import { Db } from './db.js';
import { FifoGroups } from './fifo/fifo-groups.js';
import { MoveTaskItems } from './move-task-items.js';
import { QueueItems } from './queue-items.js';
import { Timeline } from './standard/timeline.js';

/** The Store port on one DynamoDB table (layout in schema.ts and docs/design.md). */
export class DynamoStore implements Store {
  private readonly queues: QueueItems;
  private readonly timeline: Timeline;
  private readonly groups: FifoGroups;
  private readonly moveTasks: MoveTaskItems;

  constructor(options: {
    client: DynamoDBClient;
    tableName: string;
    accountId: string;
    meter: CapacityMeter;
  }) {
    const db = new Db(options.client, options.tableName, options.meter);
    this.queues = new QueueItems(db, options.accountId);
    this.timeline = new Timeline(db, options.accountId);
    this.groups = new FifoGroups(db, options.accountId);
    this.moveTasks = new MoveTaskItems(db, options.accountId);
  }

  loadReceiptSecret(): Promise<Uint8Array> {
    return this.queues.loadReceiptSecret();
  }

  createQueue(record: QueueRecord): Promise<QueueRecord | undefined> {
    return this.queues.create(record);
  }

  getQueue(name: string): Promise<QueueRecord | undefined> {
    return this.queues.get(name);
  }

  listQueues(options: { prefix: string; limit: number; afterName?: string }): Promise<QueueListPage> {
    return this.queues.list(options);
  }

  deleteQueue(queue: QueueRecord): Promise<boolean> {
    return this.queues.delete(queue);
  }

  updateQueue(queue: QueueRecord, change: Parameters<Store['updateQueue']>[1]): Promise<boolean> {
    return this.queues.update(queue, change);
  }

  purgeQueue(queue: QueueRecord, nowMs: number, minIntervalMs: number): Promise<boolean> {
    return this.queues.purge(queue, nowMs, minIntervalMs);
  }

  async putMessages(queue: QueueRecord, messages: readonly NewMessage[]): Promise<SentMessage[]> {
    if (isFifoRecord(queue)) return this.groups.send(queue, messages, messages[0]?.sentMs ?? Date.now());
    await this.timeline.put(queue, messages);
    return messages.map(({ messageId }) => ({ messageId }));
  }

  receiveMessages(request: ReceiveRequest): Promise<ClaimedMessage<AnyReceipt>[]> {
    return isFifoRecord(request.queue) ? this.groups.receive(request) : this.timeline.receive(request);
  }

  async deleteMessages(receipts: readonly AnyReceipt[], nowMs: number): Promise<DeleteOutcome[]> {
    const grouped = receipts.filter(isGroupReceipt);
    const timeline = receipts.filter((r): r is Receipt => !isGroupReceipt(r));
    const [groupOutcomes] = await Promise.all([
      grouped.length ? this.groups.delete(grouped, nowMs) : new Map<GroupReceipt, DeleteOutcome>(),
      timeline.length ? this.timeline.delete(timeline) : undefined,
    ]);
    return receipts.map((r) => (isGroupReceipt(r) ? (groupOutcomes.get(r) ?? 'deleted') : 'deleted'));
  }

  changeVisibility(receipt: AnyReceipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange> {
    return isGroupReceipt(receipt)
      ? this.groups.changeVisibility(receipt, visibleAtMs, nowMs)
      : this.timeline.changeVisibility(receipt, visibleAtMs, nowMs);
  }

  redriveMessages(request: RedriveRequest): Promise<RedriveResult> {
    return isFifoRecord(request.source) ? this.groups.redrive(request) : this.timeline.redrive(request);
  }

  async countMessages(
    queue: QueueRecord,
    nowMs: number,
    retentionMs: number,
    options: { readonly withOldest?: boolean } = {},
  ): Promise<MessageCounts> {
    if (isFifoRecord(queue)) return this.groups.count(queue, nowMs, options.withOldest ?? false);
    const counts = await this.timeline.count(queue, nowMs, retentionMs);
    if (options.withOldest) return counts;
    const { oldestMs: _notAsked, ...rest } = counts;
    return rest;
  }

  peekMessages(request: PeekRequest): Promise<PeekPage> {
    if (isFifoRecord(request.queue)) return this.groups.peek(request);
    return this.timeline.peek(request);
  }

  async readMessage(
    queue: QueueRecord,
    locator: MessageLocator,
    nowMs: number,
  ): Promise<PeekedMessage | undefined> {
    if (isFifoRecord(queue) !== (locator.kind === 'group')) return undefined;
    return locator.kind === 'group'
      ? this.groups.read(queue, locator, nowMs)
      : this.timeline.read(queue, locator, nowMs);
  }

  async listMessageGroups(
    queue: QueueRecord,
    nowMs: number,
    options: { limit: number; afterGroupId?: string },
  ): Promise<{ groups: MessageGroupSummary[]; lastGroupId?: string }> {
    if (!isFifoRecord(queue)) return { groups: [] };
    return this.groups.listGroups(queue, nowMs, options);
  }

  async deleteMessageById(
    queue: QueueRecord,
    locator: MessageLocator,
    nowMs: number,
  ): Promise<DeleteByIdOutcome> {
    if (isFifoRecord(queue) !== (locator.kind === 'group')) return 'notFound';
    return locator.kind === 'group'
      ? this.groups.deleteById(queue, locator, nowMs)
      : this.timeline.deleteById(queue, locator);
  }

  listQueueRecords(options: { limit: number; afterName?: string }): Promise<QueueRecordPage> {
    return this.queues.listRecords(options);
  }

  createMoveTask(task: MoveTaskRecord): Promise<boolean> {
    return this.moveTasks.create(task);
  }

  listMoveTasks(sourceQueueId: string, limit: number): Promise<MoveTaskRecord[]> {
    return this.moveTasks.list(sourceQueueId, limit);
  }

  listActiveMoveTasks(): Promise<MoveTaskRecord[]> {
    return this.moveTasks.listActive();
  }

  cancelMoveTask(sourceQueueId: string, taskId: string): Promise<MoveTaskRecord | undefined> {
    return this.moveTasks.cancel(sourceQueueId, taskId);
  }

  leaseMoveTask(
    task: MoveTaskKey,
    owner: string,
    nowMs: number,
    untilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    return this.moveTasks.lease(task, owner, nowMs, untilMs);
  }

  recordMoveTaskProgress(
    task: MoveTaskKey,
    owner: string,
    addMoved: number,
    leaseUntilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    return this.moveTasks.recordProgress(task, owner, addMoved, leaseUntilMs);
  }

  endMoveTask(task: MoveTaskKey, end: MoveTaskEnd): Promise<MoveTaskEndResult> {
    return this.moveTasks.end(task, end);
  }
}

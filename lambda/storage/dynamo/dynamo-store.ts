import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Receipt } from '../../engine/receipt-handle.js';
import type {
  ClaimedMessage,
  MessageCounts,
  NewMessage,
  QueueListPage,
  QueueRecord,
  ReceiveRequest,
  Store,
  VisibilityChange,
} from '../store.js';
import type { CapacityMeter } from './capacity-meter.js';
import { Db } from './db.js';
import { QueueItems } from './queue-items.js';
import { Timeline } from './timeline.js';

/** The Store port on one DynamoDB table (layout in schema.ts and docs/design.md). */
export class DynamoStore implements Store {
  private readonly queues: QueueItems;
  private readonly timeline: Timeline;

  constructor(options: {
    client: DynamoDBClient;
    tableName: string;
    accountId: string;
    meter: CapacityMeter;
  }) {
    const db = new Db(options.client, options.tableName, options.meter);
    this.queues = new QueueItems(db, options.accountId);
    this.timeline = new Timeline(db);
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

  putMessages(queue: QueueRecord, messages: readonly NewMessage[]): Promise<void> {
    return this.timeline.put(queue, messages);
  }

  receiveMessages(request: ReceiveRequest): Promise<ClaimedMessage[]> {
    return this.timeline.receive(request);
  }

  deleteMessages(receipts: readonly Receipt[]): Promise<void> {
    return this.timeline.delete(receipts);
  }

  changeVisibility(receipt: Receipt, visibleAtMs: number, nowMs: number): Promise<VisibilityChange> {
    return this.timeline.changeVisibility(receipt, visibleAtMs, nowMs);
  }

  countMessages(queue: QueueRecord, nowMs: number, retentionMs: number): Promise<MessageCounts> {
    return this.timeline.count(queue, nowMs, retentionMs);
  }
}

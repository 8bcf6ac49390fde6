import type { QueueRecord } from '../store.js';
import type { Db } from './db.js';
import { QueueItems } from './queue-items.js';
import { dueBound, READY_INDEX, readyPartition, timelinePartition, visibleAtOfSortKey } from './schema.js';

/**
 * When a queue next has a message to deliver within a window: for the background job, which kicks a
 * consumer's dispatcher for messages that become due before its next run (a delay ending, a failed batch's
 * visibility timeout running out). One Query of one item per shard, eventually consistent (0.5 RCU each):
 * a Standard queue's timeline is sorted by the moment each message becomes receivable, a FIFO queue's ready
 * index by the moment each group can next be claimed.
 */
export class QueueDueTimes {
  private readonly queues: QueueItems;

  constructor(
    private readonly db: Db,
    accountId: string,
  ) {
    this.queues = new QueueItems(db, accountId);
  }

  /**
   * The earliest moment in `(afterMs, untilMs]` at which a message of the queue becomes receivable; undefined
   * when none does, or the queue is gone. A message whose visibility was extended in place may show its older
   * time: the dispatcher then finds nothing, which costs one empty receive.
   */
  async nextDueMs(queueName: string, afterMs: number, untilMs: number): Promise<number | undefined> {
    const queue = await this.queues.get(queueName);
    if (!queue) return undefined;
    const shards = Array.from({ length: queue.shards }, (_, shard) => shard);
    const times = await Promise.all(
      shards.map((shard) =>
        queue.attributes.FifoQueue === 'true'
          ? this.nextGroupDueMs(queue, shard, afterMs, untilMs)
          : this.nextStateDueMs(queue, shard, afterMs, untilMs),
      ),
    );
    const due = times.filter((time): time is number => time !== undefined);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  private async nextStateDueMs(
    queue: QueueRecord,
    shard: number,
    afterMs: number,
    untilMs: number,
  ): Promise<number | undefined> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :until',
      ExpressionAttributeValues: {
        ':pk': timelinePartition(queue.id, queue.epoch, shard),
        ':after': dueBound(afterMs),
        ':until': dueBound(untilMs),
      },
      ProjectionExpression: 'sk',
      Limit: 1,
    });
    const sk = out.Items?.[0]?.sk;
    return typeof sk === 'string' ? visibleAtOfSortKey(sk) : undefined;
  }

  private async nextGroupDueMs(
    queue: QueueRecord,
    shard: number,
    afterMs: number,
    untilMs: number,
  ): Promise<number | undefined> {
    const out = await this.db.query({
      IndexName: READY_INDEX,
      KeyConditionExpression: 'gpk = :gpk AND gsk BETWEEN :after AND :until',
      ExpressionAttributeValues: {
        ':gpk': readyPartition(queue.id, queue.epoch, shard),
        ':after': afterMs + 1,
        ':until': untilMs,
      },
      ProjectionExpression: 'gsk',
      Limit: 1,
    });
    const gsk = out.Items?.[0]?.gsk;
    return typeof gsk === 'number' ? gsk : undefined;
  }
}

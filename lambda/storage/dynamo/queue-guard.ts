import type { QueueRecord } from '../store.js';
import type { TransactItem } from './db.js';
import { queueKey } from './schema.js';

/**
 * A transaction item that holds only while `queue` still exists as this record. A message moved into a queue
 * (dead-letter moves, redrives) goes with it, so a queue deleted after the mover's 1-second cached read
 * cancels the move instead of receiving the message into partitions nothing reads any more. 2 WCU in the
 * transaction (a queue record is under 1 KB).
 */
export function queueStillExists(accountId: string, queue: QueueRecord): TransactItem {
  return {
    ConditionCheck: {
      Key: queueKey(accountId, queue.name),
      ConditionExpression: 'id = :queueId',
      ExpressionAttributeValues: { ':queueId': queue.id },
    },
  };
}

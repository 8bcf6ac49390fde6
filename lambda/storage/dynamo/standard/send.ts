import type { NewMessage, QueueRecord } from '../../store.js';
import { randomLaneShard } from '../lanes.js';
import { encodeContent } from '../message-content.js';
import { bodyPartition, bodySortKey, timelinePartition, timelineSortKey } from '../schema.js';
import { ttlFor } from '../ttl.js';
import type { StateItem, TimelineContext } from './items.js';

/**
 * SendMessage on a Standard queue: each message's content chunks and its state item, in one batch write; a
 * noisy tenant's message first marks the queue's noisy lane as in use.
 */
export async function putMessages(
  { db, lanes }: TimelineContext,
  queue: QueueRecord,
  messages: readonly NewMessage[],
): Promise<void> {
  const noisy = messages.filter((m) => m.lane === 'noisy');
  if (noisy.length > 0) {
    const latestMs = Math.max(...noisy.map((m) => m.sentMs));
    await lanes.mark(queue, latestMs, ttlFor(latestMs));
  }
  const requests: { PutRequest: { Item: Record<string, unknown> } }[] = [];
  for (const message of messages) {
    const chunks = encodeContent(message.content);
    const ttl = ttlFor(message.sentMs);
    chunks.forEach((chunk, k) => {
      const body: Record<string, unknown> = {
        pk: bodyPartition(message.messageId),
        sk: bodySortKey(k),
        p: chunk,
        ttl,
      };
      requests.push({ PutRequest: { Item: body } });
    });
    const state: StateItem = {
      pk: timelinePartition(queue.id, queue.epoch, randomLaneShard(queue, message.lane ?? 'normal')),
      sk: timelineSortKey(message.visibleAtMs, message.messageId),
      id: message.messageId,
      st: message.sentMs,
      rc: 0,
      n: chunks.length,
      ttl,
    };
    requests.push({ PutRequest: { Item: { ...state } } });
  }
  await db.batchWrite(requests);
  if (noisy.length < messages.length) lanes.normalLaneBusy(queue);
}

import type { NewMessage, QueueRecord } from '../../store.js';
import type { Db } from '../db.js';
import { randomLaneShard } from '../lanes.js';
import { encodeContent } from '../message-content.js';
import { storageUnavailable } from '../retry-policy.js';
import { bodyPartition, bodySortKey, timelinePartition, timelineSortKey } from '../schema.js';
import { ttlFor } from '../ttl.js';
import type { StateItem, TimelineContext } from './items.js';

/**
 * SendMessage on a Standard queue: each message's content chunks and its state item; a noisy tenant's message
 * first marks the queue's noisy lane as in use. Chunks after the first go first (resending them is harmless).
 * Each state item then goes in one batch write with its first chunk, which witnesses whether an attempt whose
 * answer was lost was applied (see {@link resolveLostSend}).
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
  const extraChunks: Put[] = [];
  const firstChunksAndStates: Put[] = [];
  for (const message of messages) {
    const chunks = encodeContent(message.content);
    const ttl = ttlFor(message.sentMs);
    const chunkItems = chunks.map((chunk, k) => ({
      PutRequest: { Item: { pk: bodyPartition(message.messageId), sk: bodySortKey(k), p: chunk, ttl } },
    }));
    extraChunks.push(...chunkItems.slice(1));
    const state: StateItem = {
      pk: timelinePartition(queue.id, queue.epoch, randomLaneShard(queue, message.lane ?? 'normal')),
      sk: timelineSortKey(message.visibleAtMs, message.messageId),
      id: message.messageId,
      st: message.sentMs,
      rc: 0,
      n: chunks.length,
      ttl,
    };
    firstChunksAndStates.push(chunkItems[0] as Put, { PutRequest: { Item: { ...state } } });
  }
  if (extraChunks.length > 0) await db.batchWrite(extraChunks);
  // At most 10 messages a send: their 20 items are one BatchWriteItem, so each pair is written together.
  await db.batchWrite(firstChunksAndStates, { ambiguous: (sent) => resolveLostSend(db, sent as Put[]) });
  if (noisy.length < messages.length) lanes.normalLaneBusy(queue);
}

type Put = { PutRequest: { Item: Record<string, unknown> } };

/**
 * After a batch write that failed without an answer: what must still be written. Resending a state item that
 * was written, then received and deleted, would deliver a deleted message again, so each message's pair is
 * read back (strongly) first. State item there: written. Neither there: not written, resend. First chunk
 * there but no state item: the message was most likely received already, but a partly applied batch looks
 * the same; the send is failed with a 503 rather than risk losing it or delivering it again (the client's
 * retry sends it anew: at least once, as SQS does when an answer is lost).
 */
async function resolveLostSend(db: Db, sent: readonly Put[]): Promise<Put[]> {
  const keyOf = (item: Record<string, unknown>) => `${String(item.pk)} ${String(item.sk)}`;
  const states = sent.filter((put) => put.PutRequest.Item.p === undefined);
  const firstChunkKey = (state: Put) => ({
    pk: bodyPartition(String(state.PutRequest.Item.id)),
    sk: bodySortKey(0),
  });
  const keys = new Map<string, Record<string, unknown>>();
  for (const put of sent)
    keys.set(keyOf(put.PutRequest.Item), { pk: put.PutRequest.Item.pk, sk: put.PutRequest.Item.sk });
  for (const state of states) keys.set(keyOf(firstChunkKey(state)), firstChunkKey(state));
  const found = new Set((await db.batchGet([...keys.values()], true)).map(keyOf));
  const pending: Put[] = [];
  for (const put of sent) {
    if (found.has(keyOf(put.PutRequest.Item))) continue;
    if (put.PutRequest.Item.p === undefined && found.has(keyOf(firstChunkKey(put))))
      throw storageUnavailable();
    pending.push(put);
  }
  return pending;
}

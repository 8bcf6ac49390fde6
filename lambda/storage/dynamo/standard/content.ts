import type { MessageContent } from '../../store.js';
import type { Db } from '../db.js';
import { decodeContent } from '../message-content.js';
import { bodyPartition, bodySortKey } from '../schema.js';

/** Reads message contents: eventually consistent first, since content is written once, then strongly. */
export async function readContents(
  db: Db,
  messages: readonly { messageId: string; chunks: number }[],
): Promise<Map<string, MessageContent>> {
  const contents = new Map<string, MessageContent>();
  const single = messages.filter((m) => m.chunks === 1).map((m) => m.messageId);
  for (const consistent of [false, true]) {
    const missing = single.filter((id) => !contents.has(id));
    if (missing.length === 0) break;
    const items = await db.batchGet(
      missing.map((id) => ({ pk: bodyPartition(id), sk: bodySortKey(0) })),
      consistent,
    );
    for (const item of items) {
      contents.set(String(item.pk).slice(2), decodeContent([item.p as Uint8Array]));
    }
  }
  await Promise.all(
    messages
      .filter((m) => m.chunks > 1)
      .map(async (m) => {
        const content = await readChunks(db, m.messageId, m.chunks);
        if (content) contents.set(m.messageId, content);
      }),
  );
  return contents;
}

async function readChunks(db: Db, messageId: string, chunks: number): Promise<MessageContent | undefined> {
  const parts: Uint8Array[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': bodyPartition(messageId) },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    });
    for (const item of out.Items ?? []) parts.push(item.p as Uint8Array);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return parts.length === chunks ? decodeContent(parts) : undefined;
}

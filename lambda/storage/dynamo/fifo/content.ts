import type { MessageContent } from '../../store.js';
import type { Db } from '../db.js';
import { decodeContent } from '../message-content.js';
import { bodyPartition, groupMessageSortKey } from '../schema.js';
import type { MessageItem, ReadyGroup } from './items.js';

/** A group's undeleted messages after its acknowledged prefix, oldest first, read strongly. */
export async function messagesAfter(db: Db, group: ReadyGroup, limit: number): Promise<MessageItem[]> {
  const out = await db.query({
    KeyConditionExpression: 'pk = :pk AND sk > :after',
    ExpressionAttributeValues: { ':pk': group.pk, ':after': groupMessageSortKey(group.ack) },
    ConsistentRead: true,
    Limit: limit,
  });
  return (out.Items ?? []) as MessageItem[];
}

/** A message's content as a receiver sees it: as stored, with the deduplication id `dd` when it has one. */
export async function contentOf(db: Db, item: MessageItem): Promise<MessageContent> {
  const content = await storedContentOf(db, item);
  return item.dd === undefined ? content : { ...content, deduplicationId: item.dd };
}

/** The content as stored: chunk 0 in the message item, the rest in the message's content partition. */
export async function storedContentOf(db: Db, item: MessageItem): Promise<MessageContent> {
  if (item.n <= 1) return decodeContent([item.p]);
  const parts: Uint8Array[] = [item.p];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': bodyPartition(item.id) },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    });
    for (const chunk of out.Items ?? []) parts.push(chunk.p as Uint8Array);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  if (parts.length !== item.n) throw new Error(`FIFO message ${item.id}: content chunks missing`);
  return decodeContent(parts);
}

import type {
  DeleteByIdOutcome,
  MessageContent,
  MessageLocator,
  PeekedMessage,
  PeekPage,
  PeekRequest,
  QueueRecord,
} from '../../store.js';
import type { Db } from '../db.js';
import { isLaneMarker, laneShards } from '../lanes.js';
import { isWakeSortKey, timelinePartition, timelineSortKey, visibleAtOfSortKey } from '../schema.js';
import { readContents } from './content.js';
import { exists, type StateItem, visibleAt } from './items.js';

/** Keys per BatchGetItem, DynamoDB's limit. */
const CONTENT_BATCH = 100;

type TimelineLocator = Extract<MessageLocator, { kind: 'timeline' }>;

/** A state item found by a peek, with the partition it was found in. */
interface Found {
  readonly shard: number;
  readonly item: StateItem;
}

/**
 * Peek for Standard queues: reads the state items of every partition of both lanes (eventually consistent, no
 * write) and merges them by sort key, which is the timeline's order: when each message is next receivable. Each
 * partition is read until it has given `limit` messages past the position or has no more, so the first `limit`
 * of the merge are exactly the page, whichever partitions they are in.
 */
export async function peekMessages(db: Db, request: PeekRequest): Promise<PeekPage> {
  const { queue, limit } = request;
  const forward = request.order === 'oldest';
  const after = request.after?.kind === 'timeline' ? request.after : undefined;
  const bound = after ? timelineSortKey(after.visibleAtMs, after.messageId) : undefined;
  const shards = [...laneShards(queue, 'normal'), ...laneShards(queue, 'noisy')];
  const perShard = await Promise.all(
    shards.map((shard) => readShard(db, queue, shard, { forward, bound, limit, request })),
  );
  const found = perShard.flat().sort((a, b) => compareKeys(a.item.sk, b.item.sk) * (forward ? 1 : -1));
  const page = found.slice(0, limit);
  const contents = await readPageContents(db, page);
  const messages = page.flatMap(({ shard, item }) => {
    const content = contents.get(item.id);
    // Content is written before the state item; a state item without content is a send still retrying.
    return content ? [toPeeked(queue, shard, item, content, request.nowMs)] : [];
  });
  const last = page[page.length - 1];
  const more = found.length > limit || perShard.some((items) => items.length >= limit);
  return {
    messages,
    ...(last && more
      ? {
          next: {
            kind: 'timeline' as const,
            visibleAtMs: visibleAtOfSortKey(last.item.sk),
            messageId: last.item.id,
          },
        }
      : {}),
  };
}

/** BatchGetItem takes at most 100 keys: a page of up to 1,000 messages is read in parallel batches of 100. */
async function readPageContents(db: Db, page: readonly Found[]): Promise<Map<string, MessageContent>> {
  const batches: Found[][] = [];
  for (let start = 0; start < page.length; start += CONTENT_BATCH) {
    batches.push(page.slice(start, start + CONTENT_BATCH));
  }
  const maps = await Promise.all(
    batches.map((batch) =>
      readContents(
        db,
        batch.map(({ item }) => ({ messageId: item.id, chunks: item.n })),
      ),
    ),
  );
  return new Map(maps.flatMap((map) => [...map]));
}

async function readShard(
  db: Db,
  queue: QueueRecord,
  shard: number,
  options: { forward: boolean; bound: string | undefined; limit: number; request: PeekRequest },
): Promise<Found[]> {
  const { forward, bound, limit, request } = options;
  const found: Found[] = [];
  const keyCondition =
    bound === undefined ? 'pk = :pk' : forward ? 'pk = :pk AND sk > :bound' : 'pk = :pk AND sk < :bound';
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.query({
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: {
        ':pk': timelinePartition(queue.id, queue.epoch, shard),
        ...(bound === undefined ? {} : { ':bound': bound }),
      },
      ScanIndexForward: forward,
      Limit: limit + 2,
      ExclusiveStartKey: startKey,
    });
    for (const item of (out.Items ?? []) as StateItem[]) {
      if (isLaneMarker(item) || isWakeSortKey(item.sk)) continue;
      if (item.st + request.retentionMs <= request.nowMs) continue;
      found.push({ shard, item });
      if (found.length >= limit) return found;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/** Sort keys are fixed-width times then ids: plain string order, as DynamoDB compares them (code points). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPeeked(
  queue: QueueRecord,
  shard: number,
  item: StateItem,
  content: MessageContent,
  nowMs: number,
): PeekedMessage {
  const atMs = visibleAt(item);
  const state = atMs <= nowMs ? 'visible' : item.rc > 0 ? 'inFlight' : 'delayed';
  return {
    locator: {
      kind: 'timeline',
      messageId: item.id,
      epoch: queue.epoch,
      shard,
      visibleAtMs: visibleAtOfSortKey(item.sk),
    },
    messageId: item.id,
    sentMs: item.st,
    receiveCount: item.rc,
    ...(item.fr !== undefined ? { firstReceiveMs: item.fr } : {}),
    state,
    ...(state === 'visible' ? {} : { visibleAtMs: atMs }),
    content,
    ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
  };
}

/**
 * The located message, read strongly at its key; when a receive has moved it since the peek (a new key), the
 * queue's partitions are searched for its id once.
 */
export async function readMessage(
  db: Db,
  queue: QueueRecord,
  locator: TimelineLocator,
  nowMs: number,
): Promise<PeekedMessage | undefined> {
  const found = await locate(db, queue, locator);
  if (!found) return undefined;
  const contents = await readContents(db, [{ messageId: found.item.id, chunks: found.item.n }]);
  const content = contents.get(found.item.id);
  return content ? toPeeked(queue, found.shard, found.item, content, nowMs) : undefined;
}

/**
 * Deletes the state item, wherever the message is: `DeleteItem` of its key on condition that it is still there
 * and still this message. A receive claiming it at the same time fails its own conditional delete of this item
 * and undoes its copy, so the message is gone either way. A delete by receipt removes only the state item too:
 * content and stale wake pointers expire by TTL.
 */
export async function deleteMessageById(
  db: Db,
  queue: QueueRecord,
  locator: TimelineLocator,
): Promise<DeleteByIdOutcome> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const found =
      attempt === 0 ? { shard: locator.shard, sk: keyOf(locator) } : await search(db, queue, locator);
    if (!found) return 'notFound';
    const result = await db.deleteItem({
      Key: { pk: timelinePartition(queue.id, queue.epoch, found.shard), sk: found.sk },
      ConditionExpression: `${exists} AND id = :id`,
      ExpressionAttributeValues: { ':id': locator.messageId },
    });
    // A retry after a lost answer that finds the item gone: most likely this delete's own first attempt.
    if (result.applied || result.maybeApplied) return 'deleted';
  }
  return 'notFound';
}

function keyOf(locator: TimelineLocator): string {
  return timelineSortKey(locator.visibleAtMs, locator.messageId);
}

async function locate(db: Db, queue: QueueRecord, locator: TimelineLocator): Promise<Found | undefined> {
  if (locator.epoch !== queue.epoch) return undefined;
  const item = (await db.get({
    Key: { pk: timelinePartition(queue.id, queue.epoch, locator.shard), sk: keyOf(locator) },
    ConsistentRead: true,
  })) as StateItem | undefined;
  if (item && item.id === locator.messageId) return { shard: locator.shard, item };
  const moved = await search(db, queue, locator);
  if (!moved) return undefined;
  const again = (await db.get({
    Key: { pk: timelinePartition(queue.id, queue.epoch, moved.shard), sk: moved.sk },
    ConsistentRead: true,
  })) as StateItem | undefined;
  return again && again.id === locator.messageId ? { shard: moved.shard, item: again } : undefined;
}

/** Every partition of the queue, filtered on the message id: what a count reads, once. */
async function search(
  db: Db,
  queue: QueueRecord,
  locator: TimelineLocator,
): Promise<{ shard: number; sk: string } | undefined> {
  if (locator.epoch !== queue.epoch) return undefined;
  const shards = [...laneShards(queue, 'normal'), ...laneShards(queue, 'noisy')];
  const hits = await Promise.all(
    shards.map(async (shard) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await db.query({
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'id = :id',
          ExpressionAttributeValues: {
            ':pk': timelinePartition(queue.id, queue.epoch, shard),
            ':id': locator.messageId,
          },
          ProjectionExpression: 'sk',
          ExclusiveStartKey: startKey,
        });
        const hit = (out.Items ?? []).find((item) => !isWakeSortKey(String(item.sk)));
        if (hit) return { shard, sk: String(hit.sk) };
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return undefined;
    }),
  );
  return hits.find((hit) => hit !== undefined);
}

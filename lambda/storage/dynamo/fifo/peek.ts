import type {
  MessageGroupSummary,
  MessageLocator,
  PeekedMessage,
  PeekPage,
  PeekRequest,
  QueueRecord,
} from '../../store.js';
import type { Db } from '../db.js';
import {
  GROUP_SORT_KEY,
  groupMessageSortKey,
  groupPartition,
  READY_INDEX,
  readyPartition,
  sequenceOfSortKey,
} from '../schema.js';
import { range } from '../shuffle.js';
import { contentOf } from './content.js';
import { type GroupItem, isExpiredIn, leaseOf, type MessageItem, namesFor } from './items.js';

type GroupLocator = Extract<MessageLocator, { kind: 'group' }>;
type GroupPosition = { sequenceNumber: string; groupId: string };

/** Groups whose messages are read at once. */
const CONCURRENT_GROUPS = 16;
/** Above every sequence number's sort key (`m#` and 20 digits). */
const AFTER_LAST_MESSAGE = 'm#~';

/** A group that holds messages, as the ready index lists it. */
interface IndexedGroup {
  readonly groupId: string;
  readonly pk: string;
  readonly ack: string;
}

/**
 * Peek for FIFO queues: the groups that hold messages come from the ready index (eventually consistent); each
 * group's messages after its acknowledged prefix are read in sequence order, and the groups are merged by
 * (sequence number, group id). Nothing is written. A group is read until it has given `limit` messages past the
 * position, so the merge's first `limit` are exactly the page.
 */
export async function peekMessages(db: Db, request: PeekRequest): Promise<PeekPage> {
  const { queue, limit } = request;
  const forward = request.order === 'oldest';
  const after = request.after?.kind === 'group' ? request.after : undefined;
  const groups =
    request.groupId === undefined
      ? await indexedGroups(db, queue)
      : await oneGroup(db, queue, request.groupId);
  const perGroup: MessageItem[][] = [];
  for (let start = 0; start < groups.length; start += CONCURRENT_GROUPS) {
    const chunk = groups.slice(start, start + CONCURRENT_GROUPS);
    perGroup.push(...(await Promise.all(chunk.map((group) => readGroup(db, group, request, after)))));
  }
  const found = perGroup.flat().sort((a, b) => comparePositions(positionOf(a), positionOf(b), forward));
  const page = found.slice(0, limit);
  const states = await groupStates(db, [...new Set(page.map((item) => item.pk))]);
  const messages = await Promise.all(
    page.map(async (item) =>
      toPeeked(queue, item, states.get(item.pk), request.nowMs, await contentOf(db, item)),
    ),
  );
  const last = page[page.length - 1];
  const more = found.length > limit || perGroup.some((items) => items.length >= limit);
  return {
    messages,
    ...(last && more ? { next: { kind: 'group' as const, ...positionOf(last) } } : {}),
  };
}

/** The groups that hold messages, in group id order, with their counts. */
export async function listMessageGroups(
  db: Db,
  queue: QueueRecord,
  nowMs: number,
  options: { limit: number; afterGroupId?: string },
): Promise<{ groups: MessageGroupSummary[]; lastGroupId?: string }> {
  const all = (await indexedGroups(db, queue))
    .filter((group) => options.afterGroupId === undefined || group.groupId > options.afterGroupId)
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const page = all.slice(0, options.limit);
  const states = await groupStates(
    db,
    page.map((group) => group.pk),
  );
  const groups = page.flatMap((group) => {
    const state = states.get(group.pk);
    if (!state || state.n <= 0) return [];
    const inFlight = Object.values(state.held ?? {}).filter((visibleAt) => visibleAt > nowMs).length;
    return [{ groupId: group.groupId, messages: state.n, inFlight, receivable: (state.gsk ?? 0) <= nowMs }];
  });
  const last = page[page.length - 1];
  return { groups, ...(last && all.length > options.limit ? { lastGroupId: last.groupId } : {}) };
}

/** The located message, read strongly, if it is still undeleted. */
export async function readMessage(
  db: Db,
  queue: QueueRecord,
  locator: GroupLocator,
  nowMs: number,
): Promise<PeekedMessage | undefined> {
  if (locator.epoch !== queue.epoch) return undefined;
  const pk = groupPartition(queue.id, queue.epoch, locator.groupId);
  const [group, item] = await Promise.all([
    db.get({ Key: { pk, sk: GROUP_SORT_KEY }, ConsistentRead: true }) as Promise<GroupItem | undefined>,
    db.get({
      Key: { pk, sk: groupMessageSortKey(locator.sequenceNumber) },
      ConsistentRead: true,
    }) as Promise<MessageItem | undefined>,
  ]);
  if (!group || !item || item.id !== locator.messageId || locator.sequenceNumber <= group.ack)
    return undefined;
  return toPeeked(queue, item, group, nowMs, await contentOf(db, item));
}

/** Every group of the queue's ready shards: the index holds exactly the groups with messages. */
async function indexedGroups(db: Db, queue: QueueRecord): Promise<IndexedGroup[]> {
  const prefix = groupPartition(queue.id, queue.epoch, '');
  const shards = await Promise.all(
    range(queue.shards).map(async (shard) => {
      const groups: IndexedGroup[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await db.query({
          IndexName: READY_INDEX,
          KeyConditionExpression: '#gpk = :gpk',
          ExpressionAttributeNames: namesFor('#gpk'),
          ExpressionAttributeValues: { ':gpk': readyPartition(queue.id, queue.epoch, shard) },
          ExclusiveStartKey: startKey,
        });
        for (const item of out.Items ?? []) {
          const pk = String(item.pk);
          groups.push({ pk, groupId: pk.slice(prefix.length), ack: String(item.ack) });
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return groups;
    }),
  );
  return shards.flat();
}

async function oneGroup(db: Db, queue: QueueRecord, groupId: string): Promise<IndexedGroup[]> {
  const pk = groupPartition(queue.id, queue.epoch, groupId);
  const group = (await db.get({ Key: { pk, sk: GROUP_SORT_KEY } })) as GroupItem | undefined;
  return group ? [{ pk, groupId, ack: group.ack }] : [];
}

/** A group's messages past the position and its acknowledged prefix, up to `limit` unexpired ones. */
async function readGroup(
  db: Db,
  group: IndexedGroup,
  request: PeekRequest,
  after: GroupPosition | undefined,
): Promise<MessageItem[]> {
  const forward = request.order === 'oldest';
  const ackKey = groupMessageSortKey(group.ack);
  const afterKey = after ? groupMessageSortKey(after.sequenceNumber) : undefined;
  // A superset of the range by key; the exact bounds (the acknowledged prefix, ties on the position's sequence
  // number in other groups) are applied to each item below.
  const low = afterKey !== undefined && afterKey > ackKey ? afterKey : ackKey;
  const keyCondition = forward ? 'pk = :pk AND sk >= :low' : 'pk = :pk AND sk BETWEEN :low AND :high';
  const values = forward
    ? { ':pk': group.pk, ':low': low }
    : { ':pk': group.pk, ':low': ackKey, ':high': afterKey ?? AFTER_LAST_MESSAGE };
  const found: MessageItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.query({
      KeyConditionExpression: keyCondition,
      ExpressionAttributeValues: values,
      ScanIndexForward: forward,
      Limit: request.limit + 2,
      ExclusiveStartKey: startKey,
    });
    for (const item of (out.Items ?? []) as MessageItem[]) {
      const sequenceNumber = sequenceOfSortKey(item.sk);
      if (sequenceNumber <= group.ack || isExpiredIn(item, request)) continue;
      if (after && comparePositions(positionOf(item), after, forward) <= 0) continue;
      found.push(item);
      if (found.length >= request.limit) return found;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return found;
}

function positionOf(item: MessageItem): GroupPosition {
  return { sequenceNumber: sequenceOfSortKey(item.sk), groupId: groupIdOf(item.pk) };
}

/** The group id is the partition key after `G#{queueId}#{epoch}#`; a queue id holds no `#`. */
function groupIdOf(pk: string): string {
  const parts = pk.split('#');
  return parts.slice(3).join('#');
}

/** Sequence order, ties (equal numbers in different groups) by group id; reversed for newest first. */
function comparePositions(a: GroupPosition, b: GroupPosition, forward: boolean): number {
  const bySequence = a.sequenceNumber < b.sequenceNumber ? -1 : a.sequenceNumber > b.sequenceNumber ? 1 : 0;
  const order = bySequence !== 0 ? bySequence : a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0;
  return forward ? order : -order;
}

/** The group items of these partitions (eventually consistent): locks, receive counts, message counts. */
async function groupStates(db: Db, pks: readonly string[]): Promise<Map<string, GroupItem>> {
  const states = new Map<string, GroupItem>();
  for (let start = 0; start < pks.length; start += 100) {
    const keys = pks.slice(start, start + 100).map((pk) => ({ pk, sk: GROUP_SORT_KEY }));
    for (const item of (await db.batchGet(keys, false)) as unknown as GroupItem[]) states.set(item.pk, item);
  }
  return states;
}

function toPeeked(
  queue: QueueRecord,
  item: MessageItem,
  group: GroupItem | undefined,
  nowMs: number,
  content: PeekedMessage['content'],
): PeekedMessage {
  const sequenceNumber = sequenceOfSortKey(item.sk);
  const heldUntil = group?.held?.[sequenceNumber];
  const receiveCount = group?.rc?.[sequenceNumber] ?? 0;
  const firstReceiveMs = group?.fr?.[sequenceNumber];
  const state =
    heldUntil !== undefined && heldUntil > nowMs ? 'inFlight' : item.va > nowMs ? 'delayed' : 'visible';
  const visibleAtMs = state === 'inFlight' ? heldUntil : state === 'delayed' ? item.va : undefined;
  return {
    locator: {
      kind: 'group',
      messageId: item.id,
      epoch: queue.epoch,
      groupId: groupIdOf(item.pk),
      sequenceNumber,
    },
    messageId: item.id,
    sentMs: item.st,
    receiveCount,
    ...(firstReceiveMs !== undefined ? { firstReceiveMs } : {}),
    state,
    ...(visibleAtMs !== undefined ? { visibleAtMs } : {}),
    content,
    sequenceNumber,
    ...(item.src !== undefined ? { deadLetterSourceArn: item.src } : {}),
  };
}

/** Whether a group's current lock still holds any message. */
export function isLocked(group: GroupItem, nowMs: number): boolean {
  return group.held !== undefined && Object.keys(group.held).length > 0 && leaseOf(group.held) > nowMs;
}

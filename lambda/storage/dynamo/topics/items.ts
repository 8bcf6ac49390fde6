import type { MessageAttributes, StringMap } from '../../../engine/types.js';
import type { Notification, PublishRecord, SubscriptionRecord, TopicRecord } from '../../../topics/types.js';

/**
 * Topic items (docs/design.md, "Topics"): keys and item shapes. Topics share one partition per account, sorted by
 * name (ListTopics is a Query); a topic's subscriptions share a partition named by the topic's id, so a topic
 * deleted and created again starts without them; publish records spread over a few partitions, sorted by time.
 */

export function topicKey(accountId: string, name: string) {
  return { pk: topicPartition(accountId), sk: name };
}

export function topicPartition(accountId: string): string {
  return `TOPIC#${accountId}`;
}

export function subscriptionPartition(topicId: string): string {
  return `SUB#${topicId}`;
}

export function publishPartition(shard: number): string {
  return `PUB#${shard}`;
}

export function publishSortKey(createdMs: number, messageId: string): string {
  return `${String(createdMs).padStart(13, '0')}#${messageId}`;
}

/** A FIFO topic's deduplication id, remembered for five minutes. */
export function publishDeduplicationKey(topicId: string, key: string) {
  return { pk: `TD#${topicId}#${key}`, sk: 'D' };
}

export const SIGNING_KEY = { pk: 'SECRET', sk: 'sns-signing' } as const;

export interface TopicItem {
  readonly pk: string;
  readonly sk: string;
  readonly id: string;
  /** Attributes. */
  readonly a: StringMap;
  /** Tags. */
  readonly t: StringMap;
  readonly c: number;
}

export interface SubscriptionItem {
  readonly pk: string;
  readonly sk: string;
  readonly tn: string;
  readonly tid: string;
  readonly pr: string;
  readonly ep: string;
  readonly a: StringMap;
  readonly c: number;
}

export interface PublishItem {
  readonly pk: string;
  readonly sk: string;
  readonly tn: string;
  readonly tid: string;
  readonly n: StoredNotification;
  readonly subs: readonly string[];
  readonly c: number;
  /** Lease end, epoch ms. */
  readonly lu: number;
  readonly sh: number;
  readonly ttl: number;
}

type StoredNotification = Omit<Notification, 'messageAttributes'> & { readonly ma: MessageAttributes };

export function toTopicItem(accountId: string, topic: TopicRecord): TopicItem {
  return {
    ...topicKey(accountId, topic.name),
    id: topic.id,
    a: topic.attributes,
    t: topic.tags,
    c: topic.createdMs,
  };
}

export function fromTopicItem(item: Record<string, unknown>): TopicRecord {
  const topic = item as unknown as TopicItem;
  return { name: topic.sk, id: topic.id, attributes: topic.a ?? {}, tags: topic.t ?? {}, createdMs: topic.c };
}

export function toSubscriptionItem(record: SubscriptionRecord): SubscriptionItem {
  return {
    pk: subscriptionPartition(record.topicId),
    sk: record.id,
    tn: record.topicName,
    tid: record.topicId,
    pr: record.protocol,
    ep: record.endpoint,
    a: record.attributes,
    c: record.createdMs,
  };
}

export function fromSubscriptionItem(item: Record<string, unknown>): SubscriptionRecord {
  const sub = item as unknown as SubscriptionItem;
  return {
    topicName: sub.tn,
    topicId: sub.tid,
    id: sub.sk,
    protocol: sub.pr,
    endpoint: sub.ep,
    attributes: sub.a ?? {},
    createdMs: sub.c,
  };
}

export function toPublishItem(record: PublishRecord, ttl: number): PublishItem {
  const { messageAttributes, ...rest } = record.notification;
  return {
    pk: publishPartition(record.shard),
    sk: publishSortKey(record.createdMs, record.notification.messageId),
    tn: record.topicName,
    tid: record.topicId,
    n: { ...rest, ma: messageAttributes },
    subs: record.subscriptionIds,
    c: record.createdMs,
    lu: record.leaseUntilMs,
    sh: record.shard,
    ttl,
  };
}

export function fromPublishItem(item: Record<string, unknown>): PublishRecord {
  const stored = item as unknown as PublishItem;
  const { ma, ...rest } = stored.n;
  return {
    topicName: stored.tn,
    topicId: stored.tid,
    notification: { ...rest, messageAttributes: ma ?? {} },
    subscriptionIds: stored.subs ?? [],
    createdMs: stored.c,
    leaseUntilMs: stored.lu,
    shard: stored.sh,
  };
}

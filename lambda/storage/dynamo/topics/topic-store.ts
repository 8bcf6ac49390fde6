import type { StringMap } from '../../../engine/types.js';
import {
  type Page,
  PUBLISH_RECORD_SHARDS,
  type PublishDeduplication,
  type PublishRecord,
  type RecordPublishResult,
  type SigningMaterial,
  type SubscriptionRecord,
  type TopicRecord,
  type TopicStore,
} from '../../../topics/types.js';
import type { Db } from '../db.js';
import { bodyPartition, bodySortKey } from '../schema.js';
import { ttlAfter } from '../ttl.js';
import {
  fromPublishItem,
  fromSubscriptionItem,
  fromTopicItem,
  publishDeduplicationKey,
  publishPartition,
  publishSortKey,
  SIGNING_KEY,
  subscriptionPartition,
  toPublishItem,
  topicKey,
  topicPartition,
  toSubscriptionItem,
  toTopicItem,
} from './items.js';

/** A publish record outlives any retry: kept a day at most, though it is removed as soon as it is delivered. */
const PUBLISH_RECORD_LIFETIME_MS = 24 * 60 * 60_000;

/** How many pages of one publish-record partition a recovery pass reads at most. */
const MAX_RECOVERY_PAGES = 4;

const isAbsent = 'attribute_not_exists(pk)';
const isThisTopic = 'id = :id';

/** The topic store on the service's table (see items.ts for the layout). */
export class DynamoTopicStore implements TopicStore {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
  ) {}

  async createTopic(record: TopicRecord): Promise<TopicRecord> {
    const item = toTopicItem(this.accountId, record);
    const result = await this.db.putItem({
      Item: { ...item },
      ConditionExpression: isAbsent,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (result.applied) return record;
    // Our own earlier attempt (answer lost) or another creator: either way the stored topic is the topic.
    const existing = result.old ? fromTopicItem(result.old) : await this.getTopic(record.name);
    return existing ?? record;
  }

  async getTopic(name: string): Promise<TopicRecord | undefined> {
    const item = await this.db.get({ Key: topicKey(this.accountId, name), ConsistentRead: true });
    return item ? fromTopicItem(item) : undefined;
  }

  async listTopics(options: { limit: number; afterName?: string }): Promise<Page<TopicRecord>> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': topicPartition(this.accountId) },
      Limit: options.limit,
      ...(options.afterName === undefined
        ? {}
        : { ExclusiveStartKey: topicKey(this.accountId, options.afterName) }),
    });
    const items = (out.Items ?? []).map(fromTopicItem);
    const last = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : undefined;
    return { items, ...(last === undefined ? {} : { last }) };
  }

  async deleteTopic(topic: TopicRecord): Promise<void> {
    await this.db.delete({
      Key: topicKey(this.accountId, topic.name),
      ConditionExpression: isThisTopic,
      ExpressionAttributeValues: { ':id': topic.id },
    });
    // The subscriptions live under the topic's id: even if this stops half way, a topic created again with the
    // same name has a new id and none of them. The rest are removed by the next DeleteTopic or stay unreachable.
    let afterId: string | undefined;
    do {
      const page = await this.listSubscriptions(topic.id, { limit: 100, ...(afterId ? { afterId } : {}) });
      if (page.items.length > 0) {
        await this.db.batchWrite(
          page.items.map((sub) => ({
            DeleteRequest: { Key: { pk: subscriptionPartition(sub.topicId), sk: sub.id } },
          })),
        );
      }
      afterId = page.last;
    } while (afterId !== undefined);
  }

  async updateTopic(
    topic: TopicRecord,
    change: { attributes?: StringMap; tags?: StringMap; removeTagKeys?: readonly string[] },
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':id': topic.id };
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    const path = (map: 'a' | 't', key: string) => {
      names[`#${map}`] = map;
      names[`#k${n}`] = key;
      return `#${map}.#k${n++}`;
    };
    for (const [key, value] of Object.entries(change.attributes ?? {})) {
      const at = path('a', key);
      values[`:v${n}`] = value;
      sets.push(`${at} = :v${n}`);
    }
    for (const [key, value] of Object.entries(change.tags ?? {})) {
      const at = path('t', key);
      values[`:v${n}`] = value;
      sets.push(`${at} = :v${n}`);
    }
    for (const key of change.removeTagKeys ?? []) removes.push(path('t', key));
    if (sets.length === 0 && removes.length === 0) return (await this.getTopic(topic.name))?.id === topic.id;
    const update = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const result = await this.db.updateItem({
      Key: topicKey(this.accountId, topic.name),
      UpdateExpression: update,
      ConditionExpression: isThisTopic,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    // A lost answer followed by a failed condition: the topic was deleted meanwhile, or our write applied and
    // then it was deleted; either way it is gone now.
    return result.applied;
  }

  async createSubscription(record: SubscriptionRecord): Promise<SubscriptionRecord> {
    const result = await this.db.putItem({
      Item: { ...toSubscriptionItem(record) },
      ConditionExpression: isAbsent,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (result.applied || result.old === undefined) return record;
    return fromSubscriptionItem(result.old);
  }

  async getSubscription(topicId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const item = await this.db.get({
      Key: { pk: subscriptionPartition(topicId), sk: id },
      ConsistentRead: true,
    });
    return item ? fromSubscriptionItem(item) : undefined;
  }

  async listSubscriptions(
    topicId: string,
    options: { limit: number; afterId?: string },
  ): Promise<Page<SubscriptionRecord>> {
    const pk = subscriptionPartition(topicId);
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
      Limit: options.limit,
      ...(options.afterId === undefined ? {} : { ExclusiveStartKey: { pk, sk: options.afterId } }),
    });
    const items = (out.Items ?? []).map(fromSubscriptionItem);
    const last = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : undefined;
    return { items, ...(last === undefined ? {} : { last }) };
  }

  async deleteSubscription(record: SubscriptionRecord): Promise<void> {
    await this.db.delete({ Key: { pk: subscriptionPartition(record.topicId), sk: record.id } });
  }

  async updateSubscription(record: SubscriptionRecord, attributes: StringMap): Promise<boolean> {
    const result = await this.db.updateItem({
      Key: { pk: subscriptionPartition(record.topicId), sk: record.id },
      UpdateExpression: 'SET #a = :a',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#a': 'a' },
      ExpressionAttributeValues: { ':a': attributes },
    });
    return result.applied || result.maybeApplied;
  }

  async recordPublish(
    record: PublishRecord,
    deduplication?: PublishDeduplication,
  ): Promise<RecordPublishResult> {
    const item = toPublishItem(record, ttlAfter(record.createdMs, PUBLISH_RECORD_LIFETIME_MS));
    if (deduplication === undefined) {
      await this.db.put({ Item: { ...item } });
      return { recorded: true };
    }
    const dedupKey = publishDeduplicationKey(record.topicId, deduplication.key);
    const nowMs = record.createdMs;
    const reasons = await this.db.transactWrite([
      {
        Put: {
          Item: {
            ...dedupKey,
            id: record.notification.messageId,
            seq: record.notification.sequenceNumber,
            rpk: item.pk,
            rsk: item.sk,
            exp: deduplication.expiresMs,
            ttl: ttlAfter(deduplication.expiresMs, 0),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #exp <= :now',
          ExpressionAttributeNames: { '#exp': 'exp' },
          ExpressionAttributeValues: { ':now': nowMs },
        },
      },
      { Put: { Item: { ...item } } },
    ]);
    if (reasons === undefined) return { recorded: true };
    if (reasons[0]?.code !== 'ConditionalCheckFailed')
      throw new Error(`publish record refused: ${JSON.stringify(reasons)}`);
    const original = await this.db.get({ Key: dedupKey, ConsistentRead: true });
    if (original === undefined) throw new Error('a deduplication id that vanished');
    if (original.id === record.notification.messageId) return { recorded: true };
    const pendingItem = await this.db.get({
      Key: { pk: original.rpk, sk: original.rsk },
      ConsistentRead: true,
    });
    return {
      recorded: false,
      messageId: String(original.id),
      ...(original.seq === undefined ? {} : { sequenceNumber: String(original.seq) }),
      ...(pendingItem ? { pending: fromPublishItem(pendingItem) } : {}),
    };
  }

  async finishPublish(record: PublishRecord): Promise<void> {
    await this.db.delete({
      Key: {
        pk: publishPartition(record.shard),
        sk: publishSortKey(record.createdMs, record.notification.messageId),
      },
    });
  }

  async listAbandonedPublishes(nowMs: number, limit: number): Promise<PublishRecord[]> {
    const found: PublishRecord[] = [];
    for (let shard = 0; shard < PUBLISH_RECORD_SHARDS && found.length < limit; shard++) {
      // Records sort by publish time, so abandoned ones come first; a few pages get past records that recovery
      // passes hold right now (their lease is in the future, the filter leaves them out).
      let startKey: Record<string, unknown> | undefined;
      let pages = 0;
      do {
        const out = await this.db.query({
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'lu <= :now',
          ExpressionAttributeValues: { ':pk': publishPartition(shard), ':now': nowMs },
          // A stale answer is harmless: the lease is taken with a condition on the record as it is.
          Limit: limit,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        });
        found.push(...(out.Items ?? []).map(fromPublishItem));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined && found.length < limit && ++pages < MAX_RECOVERY_PAGES);
    }
    return found.slice(0, limit);
  }

  async leasePublish(record: PublishRecord, nowMs: number, untilMs: number): Promise<boolean> {
    const result = await this.db.updateItem({
      Key: {
        pk: publishPartition(record.shard),
        sk: publishSortKey(record.createdMs, record.notification.messageId),
      },
      UpdateExpression: 'SET lu = :until',
      ConditionExpression: 'attribute_exists(pk) AND lu <= :now',
      ExpressionAttributeValues: { ':until': untilMs, ':now': nowMs },
    });
    return result.applied;
  }

  async wasEnqueued(messageId: string): Promise<boolean> {
    const item = await this.db.get({
      Key: { pk: bodyPartition(messageId), sk: bodySortKey(0) },
      ConsistentRead: true,
      ProjectionExpression: 'pk',
    });
    return item !== undefined;
  }

  async loadSigningMaterial(create: () => SigningMaterial): Promise<SigningMaterial> {
    const existing = await this.db.get({ Key: SIGNING_KEY, ConsistentRead: true });
    if (existing) return existing.m as SigningMaterial;
    const material = create();
    const put = await this.db.putItem({
      Item: { ...SIGNING_KEY, m: material },
      ConditionExpression: isAbsent,
    });
    if (put.applied) return material;
    const winner = await this.db.get({ Key: SIGNING_KEY, ConsistentRead: true });
    if (winner === undefined) throw new Error('the signing key vanished');
    return winner.m as SigningMaterial;
  }
}

import { randomBytes } from 'node:crypto';
import type { StringMap } from '../../engine/types.js';
import type { QueueListPage, QueueRecord, QueueRecordPage } from '../store.js';
import type { Db } from './db.js';
import { queueKey, queuePartition, RECEIPT_SECRET_KEY } from './schema.js';

/** Queue records and the shared secret: small items, read often, written rarely. */
export class QueueItems {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
  ) {}

  async loadReceiptSecret(): Promise<Uint8Array> {
    const existing = await this.db.get({ Key: RECEIPT_SECRET_KEY, ConsistentRead: true });
    if (existing?.secret instanceof Uint8Array) return existing.secret;
    // Two instances starting together: only the first put lands, both then read the same secret.
    await this.db.put({
      Item: { ...RECEIPT_SECRET_KEY, secret: randomBytes(32) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const stored = await this.db.get({ Key: RECEIPT_SECRET_KEY, ConsistentRead: true });
    if (!(stored?.secret instanceof Uint8Array)) throw new Error('receipt secret missing after create');
    return stored.secret;
  }

  async create(record: QueueRecord): Promise<QueueRecord | undefined> {
    const created = await this.db.put({
      Item: { ...queueKey(this.accountId, record.name), ...toItem(record) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (created) return undefined;
    const existing = await this.get(record.name);
    // Deleted between our put and our read: try once more.
    return existing ?? this.create(record);
  }

  async get(name: string): Promise<QueueRecord | undefined> {
    const item = await this.db.get({ Key: queueKey(this.accountId, name), ConsistentRead: true });
    return item ? fromItem(name, item) : undefined;
  }

  async list(options: { prefix: string; limit: number; afterName?: string }): Promise<QueueListPage> {
    const names: string[] = [];
    let startKey: Record<string, unknown> | undefined = options.afterName
      ? queueKey(this.accountId, options.afterName)
      : undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: options.prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': queuePartition(this.accountId),
          ...(options.prefix ? { ':prefix': options.prefix } : {}),
        },
        ProjectionExpression: 'sk',
        Limit: options.limit - names.length,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) names.push(String(item.sk));
      startKey = out.LastEvaluatedKey;
    } while (startKey && names.length < options.limit);
    return { names, lastName: startKey ? names[names.length - 1] : undefined };
  }

  /** Whole records, in name order: a Query of the account's partition (eventually consistent, as ListQueues). */
  async listRecords(options: { limit: number; afterName?: string }): Promise<QueueRecordPage> {
    const records: QueueRecord[] = [];
    let startKey: Record<string, unknown> | undefined = options.afterName
      ? queueKey(this.accountId, options.afterName)
      : undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': queuePartition(this.accountId) },
        Limit: options.limit - records.length,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) records.push(fromItem(String(item.sk), item));
      startKey = out.LastEvaluatedKey;
    } while (startKey && records.length < options.limit);
    return { records, lastName: startKey ? records[records.length - 1]?.name : undefined };
  }

  async delete(queue: QueueRecord): Promise<boolean> {
    const result = await this.db.deleteItem({
      Key: queueKey(this.accountId, queue.name),
      ConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': queue.id },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // A retry after a lost answer finds the record gone: that was this delete.
    return result.applied || (result.maybeApplied && result.old === undefined);
  }

  async update(
    queue: QueueRecord,
    change: {
      attributes?: StringMap;
      tags?: StringMap;
      removeTagKeys?: readonly string[];
      modifiedMs?: number;
    },
  ): Promise<boolean> {
    const sets: string[] = [];
    const removes: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':id': queue.id };
    let n = 0;
    for (const [name, value] of Object.entries(change.attributes ?? {})) {
      names[`#n${n}`] = name;
      values[`:v${n}`] = value;
      sets.push(`attributes.#n${n} = :v${n}`);
      n++;
    }
    for (const [key, value] of Object.entries(change.tags ?? {})) {
      names[`#n${n}`] = storedTagKey(key);
      values[`:v${n}`] = value;
      sets.push(`tags.#n${n} = :v${n}`);
      n++;
    }
    for (const key of change.removeTagKeys ?? []) {
      names[`#n${n}`] = storedTagKey(key);
      removes.push(`tags.#n${n}`);
      n++;
    }
    if (change.modifiedMs !== undefined) {
      values[':modified'] = change.modifiedMs;
      sets.push('modifiedMs = :modified');
    }
    if (sets.length === 0 && removes.length === 0) return (await this.get(queue.name))?.id === queue.id;
    const expression = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const updated = await this.db.update({
      Key: queueKey(this.accountId, queue.name),
      UpdateExpression: expression,
      ConditionExpression: 'id = :id',
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values,
    });
    return updated !== undefined;
  }

  /**
   * Starts a new epoch, unless the queue was purged within `minIntervalMs`. The purge writes its own id, so a
   * retry whose first attempt was applied (only its answer lost) recognises its purge instead of answering
   * PurgeQueueInProgress for it.
   */
  async purge(queue: QueueRecord, nowMs: number, minIntervalMs: number): Promise<boolean> {
    const purgeId = randomBytes(9).toString('base64url');
    const purgedLongAgo = 'attribute_not_exists(lastPurgeMs) OR lastPurgeMs <= :earliest';
    const result = await this.db.updateItem({
      Key: queueKey(this.accountId, queue.name),
      UpdateExpression: 'SET lastPurgeMs = :now, purgeId = :purgeId ADD epoch :one',
      ConditionExpression: `id = :id AND (${purgedLongAgo})`,
      ExpressionAttributeValues: {
        ':id': queue.id,
        ':now': nowMs,
        ':earliest': nowMs - minIntervalMs,
        ':one': 1,
        ':purgeId': purgeId,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    return result.applied || result.old?.purgeId === purgeId;
  }
}

function toItem(record: QueueRecord) {
  return {
    id: record.id,
    attributes: { ...record.attributes },
    tags: Object.fromEntries(Object.entries(record.tags).map(([key, value]) => [storedTagKey(key), value])),
    createdMs: record.createdMs,
    modifiedMs: record.modifiedMs,
    epoch: record.epoch,
    shards: record.shards,
  };
}

function fromItem(name: string, item: Record<string, unknown>): QueueRecord {
  return {
    name,
    id: String(item.id),
    attributes: (item.attributes ?? {}) as StringMap,
    tags: tagsOfItem(item.tags as Record<string, string> | undefined),
    createdMs: Number(item.createdMs),
    modifiedMs: Number(item.modifiedMs),
    epoch: Number(item.epoch ?? 0),
    shards: Number(item.shards ?? 1),
    lastPurgeMs: item.lastPurgeMs === undefined ? undefined : Number(item.lastPurgeMs),
  };
}

/**
 * Tag keys are the client's to choose, and the DynamoDB marshaller mistakes a map with a key such as
 * `constructor` for a class instance (and drops `__proto__` when reading), so stored keys carry a prefix.
 */
const TAG_KEY_PREFIX = 't:';

function storedTagKey(key: string): string {
  return `${TAG_KEY_PREFIX}${key}`;
}

function tagsOfItem(stored: Record<string, string> | undefined): StringMap {
  const tags: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(stored ?? {})) {
    if (key.startsWith(TAG_KEY_PREFIX)) tags[key.slice(TAG_KEY_PREFIX.length)] = value;
  }
  return tags;
}

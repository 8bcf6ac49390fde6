import { randomBytes, randomInt } from 'node:crypto';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type Booking, SplitMeter } from './action-meter.js';
import { type QueueTarget, type Received, VISIBILITY_TIMEOUT_SECONDS } from './workload.js';

/** The service's partitions per queue (`shards` in lambda/engine/queue-engine.ts, default 4). */
export const FLOOR_SHARDS = 4;
/** Candidates read per Query, as the service reads them: max(MIN_WINDOW = 16, 3·B) (storage/dynamo/standard/). */
export function windowFor(batchSize: number): number {
  return Math.max(16, 3 * batchSize);
}
/** Pages read per shard before giving up on it, as the service does (MAX_PAGES_PER_SHARD, standard/receive.ts). */
const MAX_PAGES_PER_SHARD = 4;
const TIME_DIGITS = 13;
/** Bodies expire on their own, as the service's contents do: a TTL delete costs nothing. */
const TTL_SECONDS = 4 * 24 * 3600;

export interface FloorReceived extends Received {
  /** The state item's key as this receive wrote it: the receipt. */
  readonly key: Record<string, AttributeValue>;
  readonly body: string;
}

export async function createFloorTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    }),
  );
}

/**
 * The cheapest lifecycle we know on raw DynamoDB with the service's guarantees, the yardstick for the service.
 * Like the service it keeps a message as two items: its body, written once under its id and left to TTL, and a
 * small state item in one of 4 partitions whose sort key is the time it becomes visible, so a receive reads
 * only due messages. Send is one BatchWriteItem of both. Receive reads the partitions in random order until
 * it has B messages: a strongly consistent Query of `sk <= now~` with the service's window, up to 4 pages;
 * then, per candidate, a PutItem of the state item under its new visible-at key (`attribute_not_exists`)
 * and a DeleteItem of the key it read (`attribute_exists`), which decides the winner (the loser deletes its
 * copy), with the bodies read in one eventually consistent BatchGetItem alongside the claims. Delete is a
 * DeleteItem of the state item (BatchWriteItem for batches). Put before delete, so a crash between the two can
 * only show the message again, never lose it. No HTTP, no SQS layer, no receipt handles, no attributes, no MD5s.
 */
export class FloorTarget implements QueueTarget<FloorReceived> {
  /** Capacity as AWS would bill it, in total and per action. */
  readonly meter = new SplitMeter();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly partition: string,
    private readonly batchSize: number,
  ) {}

  async send(bodies: readonly string[]): Promise<void> {
    const now = Date.now();
    const ttl = { N: String(Math.floor(now / 1000) + TTL_SECONDS) };
    const items = bodies.flatMap((body): Record<string, AttributeValue>[] => {
      const id = randomBytes(12).toString('base64url');
      return [
        { pk: { S: `B#${id}` }, sk: { S: '0' }, b: { S: body }, ttl },
        { pk: this.shardKey(randomInt(FLOOR_SHARDS)), sk: { S: stateSortKey(now, id) }, ttl },
      ];
    });
    await this.batchWrite(
      items.map((Item) => ({ PutRequest: { Item } })),
      this.meter.for('send'),
    );
  }

  async receive(maxMessages: number): Promise<FloorReceived[]> {
    const book = this.meter.for('receive');
    const received: FloorReceived[] = [];
    for (const shard of shuffled([...Array(FLOOR_SHARDS).keys()])) {
      if (received.length >= maxMessages) break;
      await this.receiveFromShard(shard, maxMessages, received, book);
    }
    return received;
  }

  async delete(messages: readonly FloorReceived[]): Promise<void> {
    const book = this.meter.for('delete');
    if (this.batchSize === 1 && messages.length === 1) {
      const [only] = messages as [FloorReceived];
      const out = await this.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: only.key, ReturnConsumedCapacity: 'TOTAL' }),
      );
      book.addWrite(units(out.ConsumedCapacity));
      return;
    }
    await this.batchWrite(
      messages.map((m) => ({ DeleteRequest: { Key: m.key } })),
      book,
    );
  }

  private async receiveFromShard(
    shard: number,
    maxMessages: number,
    received: FloorReceived[],
    book: Booking,
  ): Promise<void> {
    let startKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_PAGES_PER_SHARD && received.length < maxMessages; page++) {
      const now = Date.now();
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk <= :due',
          ExpressionAttributeValues: {
            ':pk': this.shardKey(shard),
            ':due': { S: `${String(now).padStart(TIME_DIGITS, '0')}~` },
          },
          ConsistentRead: true,
          Limit: windowFor(maxMessages),
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      book.addRead(units(out.ConsumedCapacity));
      const pending = shuffled(out.Items ?? []);
      while (received.length < maxMessages && pending.length > 0) {
        const batch = pending.splice(0, maxMessages - received.length);
        const [keys, bodies] = await Promise.all([
          Promise.all(batch.map((item) => this.claim(item, now, book))),
          this.readBodies(batch, book),
        ]);
        batch.forEach((item, i) => {
          const key = keys[i];
          const body = bodies.get(idOf(item));
          if (key && body !== undefined) received.push({ messageId: idOf(item), key, body });
        });
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
  }

  /** Moves the state item to its new visible-at key; the conditional delete of the key read decides the winner. */
  private async claim(
    item: Record<string, AttributeValue>,
    now: number,
    book: Booking,
  ): Promise<Record<string, AttributeValue> | undefined> {
    const read = { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
    const moved = {
      pk: read.pk,
      sk: { S: stateSortKey(now + VISIBILITY_TIMEOUT_SECONDS * 1000, idOf(item)) },
    };
    const put = await this.conditional(book, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...moved, ttl: item.ttl as AttributeValue },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    if (!put) return undefined;
    const won = await this.conditional(book, () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: read,
          ConditionExpression: 'attribute_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    if (won) return moved;
    const undo = await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: moved, ReturnConsumedCapacity: 'TOTAL' }),
    );
    book.addWrite(units(undo.ConsumedCapacity));
    return undefined;
  }

  /** False when the condition failed (booked at 1 WCU: every item here is under 1 KB). */
  private async conditional(
    book: Booking,
    write: () => Promise<{ ConsumedCapacity?: ConsumedCapacity }>,
  ): Promise<boolean> {
    try {
      book.addWrite(units((await write()).ConsumedCapacity));
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      book.addFailedConditionalWrite();
      return false;
    }
  }

  /** Bodies never change, so they are read eventually consistent, alongside the claims. */
  private async readBodies(
    items: readonly Record<string, AttributeValue>[],
    book: Booking,
  ): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    let pending: BatchGetItemCommandOutput['UnprocessedKeys'] = {
      [this.tableName]: { Keys: items.map((item) => ({ pk: { S: `B#${idOf(item)}` }, sk: { S: '0' } })) },
    };
    while (pending && Object.keys(pending).length > 0) {
      const out: BatchGetItemCommandOutput = await this.client.send(
        new BatchGetItemCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
      );
      book.addRead(units(out.ConsumedCapacity));
      for (const body of out.Responses?.[this.tableName] ?? []) {
        bodies.set((body.pk?.S ?? '').slice(2), body.b?.S ?? '');
      }
      pending = out.UnprocessedKeys;
    }
    return bodies;
  }

  private async batchWrite(
    requests: NonNullable<BatchWriteItemCommandOutput['UnprocessedItems']>[string],
    book: Booking,
  ): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending: BatchWriteItemCommandOutput['UnprocessedItems'] = {
        [this.tableName]: requests.slice(start, start + 25),
      };
      while (pending && Object.keys(pending).length > 0) {
        const out: BatchWriteItemCommandOutput = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
        );
        book.addWrite(units(out.ConsumedCapacity));
        pending = out.UnprocessedItems;
      }
    }
  }

  private shardKey(shard: number): AttributeValue {
    return { S: `${this.partition}#${shard}` };
  }
}

function stateSortKey(visibleAtMs: number, id: string): string {
  return `${String(visibleAtMs).padStart(TIME_DIGITS, '0')}#${id}`;
}

function idOf(item: Record<string, AttributeValue>): string {
  const sk = item.sk?.S ?? '';
  return sk.slice(TIME_DIGITS + 1);
}

function units(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (Array.isArray(consumed)) return consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  return consumed?.CapacityUnits ?? 0;
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

import { randomBytes, randomInt } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type Booking, SplitMeter } from './action-meter.js';
import { type QueueTarget, type Received, VISIBILITY_TIMEOUT_SECONDS } from './workload.js';

/**
 * Candidates read per Query: max(32, 3·B). Meant to match the service's window, which is max(16, 3·B) in
 * timeline.ts (MIN_WINDOW) and so narrower for unbatched receives; kept at 32 so that floor figures stay
 * comparable across runs of the bench (docs/performance.md says so).
 */
function windowFor(batchSize: number): number {
  return Math.max(32, 3 * batchSize);
}
/** Pages read per receive before answering with what was found, as the service does per shard. */
const MAX_PAGES = 4;
const TIME_DIGITS = 13;

export interface FloorReceived extends Received {
  readonly key: Record<string, AttributeValue>;
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
}

/**
 * The simplest lifecycle on raw DynamoDB, the yardstick for the service: one item per message (key, `v` =
 * visible at ms, `b` = body) in one partition. Send is PutItem (BatchWriteItem for batches); receive is a
 * strongly consistent Query of the partition filtered to visible items, then one conditional UpdateItem per
 * message that moves `v` past the visibility timeout if nobody else did first; delete is DeleteItem
 * (BatchWriteItem for batches). No HTTP server, no SQS layer, no receipt handles, no MD5s.
 */
export class FloorTarget implements QueueTarget<FloorReceived> {
  /** Capacity as AWS would bill it, in total and per action. */
  readonly meter = new SplitMeter();
  private readonly pk: AttributeValue;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    partition: string,
    private readonly batchSize: number,
  ) {
    this.pk = { S: partition };
  }

  async send(bodies: readonly string[]): Promise<void> {
    const book = this.meter.for('send');
    const now = Date.now();
    const items = bodies.map((body) => ({
      pk: this.pk,
      sk: { S: `${String(now).padStart(TIME_DIGITS, '0')}#${randomBytes(8).toString('hex')}` },
      v: { N: String(now) },
      b: { S: body },
    }));
    if (this.batchSize === 1 && items.length === 1) {
      const out = await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: items[0], ReturnConsumedCapacity: 'TOTAL' }),
      );
      book.addWrite(units(out.ConsumedCapacity));
      return;
    }
    await this.batchWrite(
      items.map((Item) => ({ PutRequest: { Item } })),
      book,
    );
  }

  async receive(maxMessages: number): Promise<FloorReceived[]> {
    const book = this.meter.for('receive');
    const claimed: FloorReceived[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_PAGES && claimed.length < maxMessages; page++) {
      const now = Date.now();
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'v <= :now',
          ExpressionAttributeValues: { ':pk': this.pk, ':now': { N: String(now) } },
          ConsistentRead: true,
          Limit: windowFor(this.batchSize),
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      book.addRead(units(out.ConsumedCapacity));
      const pending = shuffled(out.Items ?? []);
      while (claimed.length < maxMessages && pending.length > 0) {
        const batch = pending.splice(0, maxMessages - claimed.length);
        const won = await Promise.all(batch.map((item) => this.claim(item, now, book)));
        for (const message of won) if (message) claimed.push(message);
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    return claimed;
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

  /** The conditional write decides the winner: only the consumer that saw the current `v` moves it. */
  private async claim(
    item: Record<string, AttributeValue>,
    now: number,
    book: Booking,
  ): Promise<FloorReceived | undefined> {
    const key = { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET v = :until',
          ConditionExpression: 'v = :seen',
          ExpressionAttributeValues: {
            ':seen': item.v as AttributeValue,
            ':until': { N: String(now + VISIBILITY_TIMEOUT_SECONDS * 1000) },
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      book.addWrite(units(out.ConsumedCapacity));
      return { messageId: key.sk.S as string, key };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      book.addFailedConditionalWrite();
      return undefined;
    }
  }

  private async batchWrite(
    requests: NonNullable<BatchWriteItemCommandOutput['UnprocessedItems']>[string],
    book: Booking,
  ): Promise<void> {
    let pending: BatchWriteItemCommandOutput['UnprocessedItems'] = { [this.tableName]: requests };
    while (pending && Object.keys(pending).length > 0) {
      const out: BatchWriteItemCommandOutput = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
      );
      book.addWrite(units(out.ConsumedCapacity));
      pending = out.UnprocessedItems;
    }
  }
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

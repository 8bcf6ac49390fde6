import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  type GetCommandOutput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CapacityMeter } from './capacity-meter.js';
import { transactionWriteUnits } from './item-size.js';

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One item of a transaction, without the table name: `Db` adds it. */
export type TransactItem = {
  [K in keyof TransactWriteItem]?: Omit<NonNullable<TransactWriteItem[K]>, 'TableName'>;
};

/** Why each item of a cancelled transaction failed, in request order; `None` for the items that did not. */
export interface CancellationReason {
  readonly code: string;
  /** The item as it was, for a failed condition asked with ReturnValuesOnConditionCheckFailure. */
  readonly item?: Record<string, unknown>;
}

type Consumed = { CapacityUnits?: number } | undefined;

function units(consumed: Consumed | Consumed[]): number {
  if (Array.isArray(consumed)) return consumed.reduce((sum, c) => sum + (c?.CapacityUnits ?? 0), 0);
  return consumed?.CapacityUnits ?? 0;
}

/**
 * The adapter's only way to DynamoDB: every call asks for its consumed capacity and books it on the meter,
 * and a conditional write answers `false` instead of throwing when its condition fails.
 */
export class Db {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly meter: CapacityMeter,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(input: Omit<GetCommandInput, 'TableName'>): Promise<GetCommandOutput['Item']> {
    const out = await this.doc.send(
      new GetCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.meter.addRead(units(out.ConsumedCapacity));
    return out.Item;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<QueryCommandOutput> {
    const out = await this.doc.send(
      new QueryCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.meter.addRead(units(out.ConsumedCapacity));
    return out;
  }

  async batchGet(
    keys: Record<string, unknown>[],
    consistentRead: boolean,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: BatchGetCommandInput['RequestItems'] = {
      [this.tableName]: { Keys: keys, ConsistentRead: consistentRead },
    };
    while (pending && Object.keys(pending).length > 0) {
      const out: BatchGetCommandOutput = await this.doc.send(
        new BatchGetCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.meter.addRead(units(out.ConsumedCapacity));
      items.push(...(out.Responses?.[this.tableName] ?? []));
      pending = out.UnprocessedKeys;
    }
    return items;
  }

  /** Puts and deletes in requests of at most 25, retrying unprocessed items until all are done. */
  async batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending: BatchWriteCommandInput['RequestItems'] = {
        [this.tableName]: requests.slice(start, start + 25),
      };
      for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        const out: BatchWriteCommandOutput = await this.doc.send(
          new BatchWriteCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
        );
        this.meter.addWrite(units(out.ConsumedCapacity));
        pending = out.UnprocessedItems;
      }
    }
  }

  /** False when the condition failed. */
  async put(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditional(async () => {
      const out = await this.doc.send(
        new PutCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
    });
  }

  /** False when the condition failed. */
  async delete(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditional(async () => {
      const out = await this.doc.send(
        new DeleteCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
    });
  }

  /** The updated item's returned attributes, or undefined when the condition failed. */
  async update(
    input: Omit<UpdateCommandInput, 'TableName'>,
  ): Promise<UpdateCommandOutput['Attributes'] | undefined> {
    let attributes: UpdateCommandOutput['Attributes'];
    const ok = await this.conditional(async () => {
      const out = await this.doc.send(
        new UpdateCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
      attributes = out.Attributes ?? {};
    });
    return ok ? attributes : undefined;
  }

  /**
   * One TransactWriteItems. Booked at AWS's price, two write units per KB of every item, computed here because
   * DynamoDB Local under-reports transactions. Undefined on success, else why it was cancelled.
   */
  async transactWrite(items: TransactItem[]): Promise<CancellationReason[] | undefined> {
    const TransactItems = items.map((item) => withTable(item, this.tableName));
    try {
      const out = await this.doc.send(
        new TransactWriteCommand({ TransactItems, ReturnConsumedCapacity: 'INDEXES' }),
      );
      this.meter.addWrite(transactionWriteUnits(items) + indexUnits(out.ConsumedCapacity));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // AWS bills a cancelled transaction's items too, at least the ones checked; count one unit per item.
      this.meter.addFailedConditionalWrite(items.length - 1);
      return (error.CancellationReasons ?? []).map((reason) => ({
        code: reason.Code ?? 'None',
        ...(reason.Item ? { item: unmarshall(reason.Item as Record<string, AttributeValue>) } : {}),
      }));
    }
  }

  private async conditional(write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        this.meter.addFailedConditionalWrite();
        return false;
      }
      throw error;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTable(item: TransactItem, tableName: string): TransactWriteItem {
  const [[kind, operation]] = Object.entries(item) as [[string, object]];
  return { [kind]: { ...operation, TableName: tableName } } as TransactWriteItem;
}

/** Write units Local reports for global secondary indexes (their writes are not part of the transaction price). */
function indexUnits(
  consumed: { GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }> }[] | undefined,
) {
  let total = 0;
  for (const table of consumed ?? []) {
    for (const index of Object.values(table.GlobalSecondaryIndexes ?? {})) total += index.CapacityUnits ?? 0;
  }
  return total;
}

import { randomUUID } from 'node:crypto';
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
import { storageDeadline } from '../request-deadline.js';
import type { CapacityMeter } from './capacity-meter.js';
import { transactionWriteUnits } from './item-size.js';
import { Attempts, classifyFailure } from './retry-policy.js';

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
 * What a conditional write did. `maybeApplied` is set when an earlier attempt failed without an answer (a 5xx,
 * a reset, a timeout): its retry then failed the condition, possibly because the first attempt was applied.
 * `old` is the item as the condition found it, when the write asked for it (`ReturnValuesOnConditionCheckFailure`).
 */
export type WriteResult =
  | { readonly applied: true; readonly attributes: Record<string, unknown> }
  | { readonly applied: false; readonly maybeApplied: boolean; readonly old?: Record<string, unknown> };

/** A cancelled transaction's reasons; `maybeApplied` as for {@link WriteResult}. */
export type Cancellation = CancellationReason[] & { maybeApplied?: boolean };

/** What a batch write does when an attempt fails without an answer: given what it sent, what must still be sent. */
export type AmbiguousBatch = (
  sent: NonNullable<BatchWriteCommandInput['RequestItems']>[string],
) => Promise<NonNullable<BatchWriteCommandInput['RequestItems']>[string]>;

/**
 * The adapter's only way to DynamoDB. Every call asks for its consumed capacity and books it on the meter; a
 * conditional write answers instead of throwing when its condition fails. The SDK's own retries are off (the
 * client is built with `maxAttempts: 1`): every retry is decided here, per kind of call (retry-policy.ts), so
 * that a retried conditional write can tell its caller it may have been applied already. Each call carries the
 * request's deadline (request-deadline.ts). Failures that outlast their retries become SQS errors a client
 * retries: `RequestThrottled` or `ServiceUnavailable`.
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
    const out = await this.retried(() =>
      this.doc.send(
        new GetCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
        this.options(),
      ),
    );
    this.meter.addRead(units(out.ConsumedCapacity));
    return out.Item;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<QueryCommandOutput> {
    const out = await this.retried(() =>
      this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
        this.options(),
      ),
    );
    this.meter.addRead(units(out.ConsumedCapacity));
    return out;
  }

  /** Reads up to 100 keys, re-asking for unprocessed keys with backoff, a bounded number of times. */
  async batchGet(
    keys: Record<string, unknown>[],
    consistentRead: boolean,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: BatchGetCommandInput['RequestItems'] = {
      [this.tableName]: { Keys: keys, ConsistentRead: consistentRead },
    };
    const attempts = new Attempts(storageDeadline());
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
      // Unprocessed keys were refused for throughput.
      if (attempt > 0) await attempts.refusedOnce();
      const request = pending;
      const out: BatchGetCommandOutput = await this.retried(() =>
        this.doc.send(
          new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
          this.options(),
        ),
      );
      this.meter.addRead(units(out.ConsumedCapacity));
      items.push(...(out.Responses?.[this.tableName] ?? []));
      pending = out.UnprocessedKeys;
    }
    return items;
  }

  /**
   * Puts and deletes in requests of at most 25, retrying unprocessed items with backoff a bounded number of
   * times. Its writes are unconditional, so resending them is safe, unless the caller says otherwise: with
   * `ambiguous`, an attempt that failed without an answer asks the caller what must still be sent.
   */
  async batchWrite(
    requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string],
    options: { ambiguous?: AmbiguousBatch } = {},
  ): Promise<void> {
    for (let start = 0; start < requests.length; start += 25) {
      let pending = requests.slice(start, start + 25);
      const attempts = new Attempts(storageDeadline());
      while (pending.length > 0) {
        const sent = pending;
        try {
          const out: BatchWriteCommandOutput = await this.doc.send(
            new BatchWriteCommand({
              RequestItems: { [this.tableName]: sent },
              ReturnConsumedCapacity: 'TOTAL',
            }),
            this.options(),
          );
          this.meter.addWrite(units(out.ConsumedCapacity));
          pending = out.UnprocessedItems?.[this.tableName] ?? [];
          // Unprocessed items were refused for throughput: nothing of them was written.
          if (pending.length > 0) await attempts.refusedOnce();
        } catch (error) {
          const answerLost = classifyFailure(error, storageDeadline()) === 'unknown';
          await attempts.retryAfter(error);
          if (answerLost && options.ambiguous) pending = await options.ambiguous(sent);
        }
      }
    }
  }

  /** False when the condition failed (or, after a lost answer, failed on a retry: see {@link putItem}). */
  async put(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    return (await this.putItem(input)).applied;
  }

  /** False when the condition failed (or, after a lost answer, failed on a retry: see {@link deleteItem}). */
  async delete(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    return (await this.deleteItem(input)).applied;
  }

  /** The updated item's returned attributes, or undefined when the condition failed (see {@link updateItem}). */
  async update(
    input: Omit<UpdateCommandInput, 'TableName'>,
  ): Promise<UpdateCommandOutput['Attributes'] | undefined> {
    const result = await this.updateItem(input);
    return result.applied ? result.attributes : undefined;
  }

  /** A PutItem, retried here; tells a failed condition that may follow its own lost success. */
  putItem(input: Omit<PutCommandInput, 'TableName'>): Promise<WriteResult> {
    return this.conditional(async () => {
      const out = await this.doc.send(
        new PutCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
        this.options(),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
      return {};
    });
  }

  /** A DeleteItem, retried here; tells a failed condition that may follow its own lost success. */
  deleteItem(input: Omit<DeleteCommandInput, 'TableName'>): Promise<WriteResult> {
    return this.conditional(async () => {
      const out = await this.doc.send(
        new DeleteCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
        this.options(),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
      return {};
    });
  }

  /** An UpdateItem, retried here; tells a failed condition that may follow its own lost success. */
  updateItem(input: Omit<UpdateCommandInput, 'TableName'>): Promise<WriteResult> {
    return this.conditional(async () => {
      const out = await this.doc.send(
        new UpdateCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: 'TOTAL' }),
        this.options(),
      );
      this.meter.addWrite(units(out.ConsumedCapacity));
      return out.Attributes ?? {};
    });
  }

  /**
   * One TransactWriteItems. Booked at AWS's price, two write units per KB of every item, computed here because
   * DynamoDB Local under-reports transactions. Undefined on success, else why it was cancelled. Every attempt
   * carries the same ClientRequestToken, so a retry after a lost answer returns the first attempt's success
   * instead of applying it twice (DynamoDB keeps tokens 10 minutes). A transaction cancelled only because its
   * items were busy (TransactionConflict, ThrottlingError) is retried; one cancelled by a condition is answered.
   */
  async transactWrite(items: TransactItem[]): Promise<Cancellation | undefined> {
    const TransactItems = items.map((item) => withTable(item, this.tableName));
    const ClientRequestToken = randomUUID();
    const attempts = new Attempts(storageDeadline());
    for (;;) {
      try {
        const out = await this.doc.send(
          new TransactWriteCommand({ TransactItems, ClientRequestToken, ReturnConsumedCapacity: 'INDEXES' }),
          this.options(),
        );
        this.meter.addWrite(transactionWriteUnits(items) + indexUnits(out.ConsumedCapacity));
        return undefined;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons: Cancellation = (error.CancellationReasons ?? []).map((reason) => ({
            code: reason.Code ?? 'None',
            ...(reason.Item ? { item: unmarshall(reason.Item as Record<string, AttributeValue>) } : {}),
          }));
          // AWS bills a cancelled transaction's prepare phase, the first of its two writes of each item.
          this.meter.addCancelledTransaction(transactionWriteUnits(items) / 2);
          const busy = reasons.some((r) => r.code === 'TransactionConflict' || r.code === 'ThrottlingError');
          const decided = reasons.some((r) => r.code === 'ConditionalCheckFailed');
          if (busy && !decided) {
            await attempts.refusedOnce('conflict', error);
            continue;
          }
          if (attempts.hadUnknown) reasons.maybeApplied = true;
          return reasons;
        }
        await attempts.retryAfter(error);
      }
    }
  }

  /** Reads and idempotent calls: retried on every failure that is not final, with backoff. */
  private async retried<T>(call: () => Promise<T>): Promise<T> {
    const attempts = new Attempts(storageDeadline());
    for (;;) {
      try {
        return await call();
      } catch (error) {
        await attempts.retryAfter(error);
      }
    }
  }

  /**
   * A conditional single-item write, retried here. A failed condition on the first attempt means someone else's
   * write came first. After an attempt that failed without an answer, it may mean this write's own first attempt
   * was applied: the result says so (`maybeApplied`) and carries the item as the condition found it, when the
   * write asked for it, so the caller can recognise its own marker.
   */
  private async conditional(write: () => Promise<Record<string, unknown>>): Promise<WriteResult> {
    const attempts = new Attempts(storageDeadline());
    for (;;) {
      try {
        return { applied: true, attributes: await write() };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          this.meter.addFailedConditionalWrite();
          const old = error.Item ? unmarshall(error.Item as Record<string, AttributeValue>) : undefined;
          return { applied: false, maybeApplied: attempts.hadUnknown, ...(old ? { old } : {}) };
        }
        await attempts.retryAfter(error);
      }
    }
  }

  private options(): { abortSignal?: AbortSignal } {
    const signal = storageDeadline();
    return signal ? { abortSignal: signal } : {};
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

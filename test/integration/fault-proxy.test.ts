import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { pollUntil } from '../helpers/poll.js';
import { uniqueTableName } from '../helpers/server.js';

let proxy: FaultProxy;
const tableName = uniqueTableName();

function client(maxAttempts: number, requestTimeout?: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts,
    ...(requestTimeout ? { requestHandler: { requestTimeout, throwOnRequestTimeout: true } } : {}),
  });
}

const key = (id: string) => ({ pk: { S: id }, sk: { S: 'x' } });
const put = (id: string) => new PutItemCommand({ TableName: tableName, Item: key(id) });
const get = async (db: DynamoDBClient, id: string) =>
  (await db.send(new GetItemCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }))).Item;

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  proxy = await startFaultProxy({ target: inject('dynamodbEndpoint') });
  const db = client(3);
  await db.send(
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
  db.destroy();
});
afterAll(() => proxy.stop());

describe('fault proxy', () => {
  it('forwards calls it does not fault', async () => {
    const db = client(1);

    await db.send(put('plain'));

    expect(await get(db, 'plain')).toEqual(key('plain'));
    expect(proxy.counts.calls.PutItem).toBeGreaterThan(0);
    db.destroy();
  });

  it.each([
    ['throttle', 'ProvisionedThroughputExceededException', 400],
    ['throttling', 'ThrottlingException', 400],
    ['fail-500', 'InternalServerError', 500],
    ['fail-503', 'ServiceUnavailable', 503],
    ['transaction-conflict', 'TransactionConflictException', 400],
  ] as const)(
    'answers %s as DynamoDB does, which the SDK names %s and retries when it should',
    async (fault, name, status) => {
      const once = client(1);
      const retrying = client(2);
      proxy.next({ op: 'PutItem', fault });
      proxy.next({ op: 'PutItem', fault });

      const error = await failure(once.send(put(`f-${fault}`)));
      const retried = await retrying.send(put(`f-${fault}`)).then(
        (out) => out.$metadata.attempts,
        (e: Error) => e.name,
      );

      expect(error.name).toBe(name);
      expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(status);
      // The SDK retries throttling and 5xx; TransactionConflictException is not on its list.
      expect(retried).toBe(fault === 'transaction-conflict' ? name : 2);
      expect(await get(once, `f-${fault}`)).toEqual(
        fault === 'transaction-conflict' ? undefined : key(`f-${fault}`),
      );
      once.destroy();
      retrying.destroy();
    },
  );

  it('cancels a transaction with a TransactionConflict reason per item', async () => {
    const db = client(1);
    proxy.next({ op: 'TransactWriteItems', fault: 'transaction-conflict' });

    const error = await failure(
      db.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: key('t1') } },
            { Put: { TableName: tableName, Item: key('t2') } },
          ],
        }),
      ),
    );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(
      (error as unknown as TransactionCanceledException).CancellationReasons?.map((r) => r.Code),
    ).toEqual(['TransactionConflict', 'TransactionConflict']);
    db.destroy();
  });

  it('drops a call before forwarding it: nothing is applied', async () => {
    const db = client(1);
    const armed = proxy.next({ op: 'PutItem', fault: 'drop-before' });

    const error = await failure(db.send(put('dropped-before')));

    expect(armed.hasFired()).toBe(true);
    expect(String(error.code ?? error.name)).toMatch(/ECONNRESET|socket hang up/i);
    expect(await get(db, 'dropped-before')).toBeUndefined();
    db.destroy();
  });

  it('drops the answer of an applied call; a retried conditional delete then fails its condition', async () => {
    const db = client(2);
    await db.send(put('dropped-after'));
    proxy.next({
      op: 'DeleteItem',
      when: (body) => body.Key?.pk?.S === 'dropped-after',
      fault: 'drop-after',
    });

    const error = await failure(
      db.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: key('dropped-after'),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );

    // The trap of dynamodb-faults.md: the delete was applied, and the SDK's retry "lies".
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(await get(db, 'dropped-after')).toBeUndefined();
    db.destroy();
  });

  it('faults only the nth matching call', async () => {
    const db = client(1);
    const armed = proxy.next({
      op: 'PutItem',
      when: (body) => body.Item?.pk?.S?.startsWith('nth-'),
      nth: 2,
      fault: 'fail-500',
    });

    await db.send(put('nth-1'));
    await db.send(put('other'));
    const error = await failure(db.send(put('nth-2')));

    expect(await armed.fired).toMatchObject({ Item: key('nth-2') });
    expect(error.name).toBe('InternalServerError');
    db.destroy();
  });

  it('delays a call, and stalls one past the caller timeout, then applies it late', async () => {
    const db = client(1, 500);
    proxy.next({ op: 'PutItem', fault: 'delay', delayMs: 300 });
    proxy.next({ op: 'PutItem', fault: 'stall', delayMs: 1_000, afterStall: 'forward' });

    const started = Date.now();
    await db.send(put('delayed'));
    const delayedMs = Date.now() - started;
    const error = await failure(db.send(put('stalled')));
    const beforeLate = await get(db, 'stalled');
    const late = await pollUntil(() => get(db, 'stalled'), 5_000);

    expect(delayedMs).toBeGreaterThanOrEqual(290);
    expect(error.name).toBe('TimeoutError');
    expect(beforeLate).toBeUndefined();
    expect(late).toEqual(key('stalled'));
    db.destroy();
  });

  it('faults a share of calls at random', async () => {
    const db = client(1);
    proxy.setRate({ rate: 0.5, kinds: ['fail-500'], ops: ['PutItem'] });

    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => db.send(put(`r-${i}`))));
    proxy.clear();

    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    db.destroy();
  });
});

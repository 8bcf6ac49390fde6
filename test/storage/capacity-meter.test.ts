import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ActionMeter, SplitMeter } from '../../bench/action-meter.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { Db, type TransactItem } from '../../lambda/storage/dynamo/db.js';

const smallState = { pk: 'T#q#1#0', sk: '0001700000000000#m1', id: 'm1', rc: 0 };
/** The atomic claim of a short visibility timeout: put the moved state item, delete the one read. */
const claim: TransactItem[] = [
  {
    Put: {
      Item: { ...smallState, sk: '0001700000060000#m1' },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  { Delete: { Key: { pk: smallState.pk, sk: smallState.sk }, ConditionExpression: 'attribute_exists(pk)' } },
];

/** A DynamoDB client that answers every call with this error, as DynamoDB would over the wire: no network. */
function refusingClient(errorType: string, extra: Record<string, unknown> = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': errorType },
          body: Readable.from([Buffer.from(JSON.stringify({ __type: errorType, message: 'no', ...extra }))]),
        },
      }),
    },
  });
}

function cancellingDb(meter: CapacityMeter): Db {
  const reasons = [
    { Code: 'None' },
    { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
  ];
  return new Db(
    refusingClient('com.amazonaws.dynamodb.v20120810#TransactionCanceledException', {
      CancellationReasons: reasons,
    }),
    'table',
    meter,
  );
}

describe('CapacityMeter', () => {
  it('adds up read and write units and counts each call', () => {
    const meter = new CapacityMeter();

    meter.addRead(0.5);
    meter.addRead(1);
    meter.addWrite(3);

    expect(meter.snapshot()).toEqual({ readUnits: 1.5, writeUnits: 3, failedConditionalWrites: 0, calls: 3 });
  });

  it('books a refused conditional write at 1 WCU', () => {
    const meter = new CapacityMeter();

    meter.addFailedConditionalWrite();

    expect(meter.snapshot()).toEqual({ readUnits: 0, writeUnits: 1, failedConditionalWrites: 1, calls: 1 });
  });

  it('books a cancelled transaction as one refused write at the units given', () => {
    const meter = new CapacityMeter();

    meter.addCancelledTransaction(4);

    expect(meter.snapshot()).toEqual({ readUnits: 0, writeUnits: 4, failedConditionalWrites: 1, calls: 1 });
  });
});

describe('Db.transactWrite, cancelled', () => {
  it('books the prepare phase: one write of every item at its size, half the committed price', async () => {
    const meter = new CapacityMeter();

    const reasons = await cancellingDb(meter).transactWrite(claim);

    expect(reasons?.map((r) => r.code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(meter.snapshot()).toEqual({ readUnits: 0, writeUnits: 2, failedConditionalWrites: 1, calls: 1 });
  });

  it('prices an item over 1 KB at its size', async () => {
    const meter = new CapacityMeter();
    const message = { pk: 'G#q#g0', sk: 'm#1', body: 'x'.repeat(1100) };

    await cancellingDb(meter).transactWrite([
      { Put: { Item: message, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...claim,
    ]);

    expect(meter.snapshot().writeUnits).toBe(2 + 1 + 1);
  });
});

describe('Db conditional writes, refused', () => {
  it('books 1 WCU and answers false', async () => {
    const meter = new CapacityMeter();
    const db = new Db(
      refusingClient('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException'),
      'table',
      meter,
    );

    const written = await db.put({ Item: smallState, ConditionExpression: 'attribute_not_exists(pk)' });

    expect(written).toBe(false);
    expect(meter.snapshot()).toEqual({ readUnits: 0, writeUnits: 1, failedConditionalWrites: 1, calls: 1 });
  });
});

describe('ActionMeter (bench --by-action)', () => {
  it('books a cancelled transaction at its price under its action and in the total', async () => {
    const meter = new CapacityMeter();
    const byAction = new ActionMeter(meter);
    const db = cancellingDb(meter);
    const handler = byAction.wrap(async () => {
      await db.transactWrite(claim);
      return { status: 200, headers: {}, body: '' };
    });

    await handler({
      method: 'POST',
      path: '/',
      headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: '{}',
    });

    expect(byAction.snapshot().receive).toEqual({
      readUnits: 0,
      writeUnits: 2,
      failedConditionalWrites: 1,
      calls: 1,
    });
    expect(meter.snapshot().writeUnits).toBe(2);
  });
});

describe('SplitMeter (the floor)', () => {
  it('books each call on the total and on its action', () => {
    const split = new SplitMeter();

    split.for('receive').addRead(1);
    split.for('receive').addFailedConditionalWrite();
    split.for('delete').addWrite(1);

    expect(split.total.snapshot()).toEqual({
      readUnits: 1,
      writeUnits: 2,
      failedConditionalWrites: 1,
      calls: 3,
    });
    expect(split.snapshot().receive).toEqual({
      readUnits: 1,
      writeUnits: 1,
      failedConditionalWrites: 1,
      calls: 2,
    });
    expect(split.snapshot().delete.writeUnits).toBe(1);
  });
});

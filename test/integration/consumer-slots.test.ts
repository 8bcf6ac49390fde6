/**
 * The dispatcher's concurrency slots (lambda/storage/dynamo/consumer-slots.ts) on DynamoDB Local, behind the fault
 * proxy: `maxConcurrency` holds, a wake that finds every slot taken reaches a holder, and each write path keeps
 * its meaning when its call is throttled, fails, or is applied with its answer lost.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { DynamoConcurrencySlots } from '../../lambda/storage/dynamo/consumer-slots.js';
import { Db } from '../../lambda/storage/dynamo/db.js';
import { ensureTable } from '../../lambda/storage/dynamo/table.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type FaultKind, type FaultProxy, INSTANT_FAULTS, startFaultProxy } from '../helpers/fault-proxy.js';
import { TEST_REGION, uniqueTableName } from '../helpers/server.js';

let faults: FaultProxy;
let client: DynamoDBClient;
let slots: DynamoConcurrencySlots;

beforeAll(async () => {
  const tableName = uniqueTableName();
  faults = await startFaultProxy({ target: inject('dynamodbEndpoint') });
  client = new DynamoDBClient({
    region: TEST_REGION,
    endpoint: faults.endpoint,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  await ensureTable(client, tableName);
  slots = new DynamoConcurrencySlots(new Db(client, tableName, new CapacityMeter()), {
    leaseUntilMs: () => Date.now() + 60_000,
    nowMs: Date.now,
  });
});

afterAll(async () => {
  client?.destroy();
  await faults?.stop();
});

describe('DynamoDB concurrency slots', () => {
  it('hands out at most maxConcurrency slots, and a released one again', async () => {
    const consumerId = randomUUID();

    const taken = await Promise.all([1, 2, 3, 4].map(() => slots.acquire(consumerId, 2)));
    const held = taken.filter((slot) => slot !== undefined);
    expect(held).toHaveLength(2);

    await held[0]?.release();
    const again = await slots.acquire(consumerId, 2);
    expect(again).toBeDefined();
    await again?.release();
    await held[1]?.release();
  });

  it('tells a holder that releases after a refused acquire to poll again, and one that was not woken not to', async () => {
    const consumerId = randomUUID();
    const holder = await slots.acquire(consumerId, 2);
    const other = await slots.acquire(consumerId, 2);

    const refused = await slots.acquire(consumerId, 2);

    expect(refused).toBeUndefined();
    expect(await holder?.release()).toEqual({ wokenMeanwhile: true });
    const quiet = await slots.acquire(consumerId, 2);
    expect(await quiet?.release()).toEqual({ wokenMeanwhile: false });
    await other?.release();
  });

  it('releases a slot whose holder was never woken, with no wake item at all', async () => {
    const consumerId = randomUUID();
    const slot = await slots.acquire(consumerId, 1_250);

    expect(await slot?.release()).toEqual({ wokenMeanwhile: false });
    const next = await slots.acquire(consumerId, 1);
    expect(next).toBeDefined();
    await next?.release();
  });

  describe.each(INSTANT_FAULTS.filter((kind) => kind !== 'transaction-conflict'))(
    'under %s',
    (fault: FaultKind) => {
      it('takes a slot once when the put meets the fault, and the cap still holds', async () => {
        const consumerId = randomUUID();
        faults.next({ op: 'PutItem', fault });

        const first = await slots.acquire(consumerId, 1);
        const second = await slots.acquire(consumerId, 1);

        expect(first).toBeDefined();
        expect(second).toBeUndefined();
        await first?.release();
      });

      it('frees the slot when the release transaction meets the fault', async () => {
        const consumerId = randomUUID();
        const slot = await slots.acquire(consumerId, 1);
        faults.next({ op: 'TransactWriteItems', fault });

        const released = await slot?.release();
        const next = await slots.acquire(consumerId, 1);

        expect(released?.wokenMeanwhile).toBe(false);
        expect(next).toBeDefined();
        await next?.release();
      });

      it('keeps a wake recorded when its write meets the fault', async () => {
        const consumerId = randomUUID();
        const holder = await slots.acquire(consumerId, 1);
        faults.next({ op: 'UpdateItem', fault });

        const refused = await slots.acquire(consumerId, 1);

        expect(refused).toBeUndefined();
        expect(await holder?.release()).toEqual({ wokenMeanwhile: true });
      });
    },
  );
});

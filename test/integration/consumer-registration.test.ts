/**
 * A `QueueEventSource`'s registration (lambda/entries/consumer-resource.ts) against DynamoDB Local behind the
 * fault proxy: what CloudFormation's Create, Update and Delete leave in the table when the registration's write
 * is throttled, fails, or is applied with its answer lost, and what a declaration that breaks Lambda's rules gets.
 */
import { randomUUID } from 'node:crypto';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createService, type Service } from '../../lambda/create-service.js';
import type { ConsumerDeclaration } from '../../lambda/dispatch/consumer-declaration.js';
import { createDispatchClients, type DispatchClients } from '../../lambda/dispatch/dispatch-clients.js';
import { handleConsumerResourceEvent } from '../../lambda/entries/consumer-resource.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type FaultKind, type FaultProxy, INSTANT_FAULTS, startFaultProxy } from '../helpers/fault-proxy.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

let faults: FaultProxy;
let service: Service;
let clients: DispatchClients;

beforeAll(async () => {
  faults = await startFaultProxy({ target: inject('dynamodbEndpoint') });
  const config = {
    tableName: uniqueTableName(),
    dynamodbEndpoint: faults.endpoint,
    dynamodbCredentials: DUMMY_CREDENTIALS,
    accountId: TEST_ACCOUNT_ID,
    region: TEST_REGION,
  };
  service = await createService(config, { ensureTable: true, runMoveTasks: false });
  clients = createDispatchClients(config, new CapacityMeter());
});

afterAll(async () => {
  clients?.close();
  await service?.close();
  await faults?.stop();
});

async function newQueue(attributes: Record<string, string> = {}, suffix = ''): Promise<string> {
  const queueName = `registration-${randomUUID().slice(0, 8)}${suffix}`;
  await service.engine.createQueue({ queueName, attributes });
  return queueName;
}

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  declaration: Partial<ConsumerDeclaration>,
  physicalResourceId?: string,
  requestId: string = randomUUID(),
): CdkCustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: 'Custom::SqsConsumer',
    ServiceToken: 'provider',
    ResponseURL: 'https://example.com/response',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Consumers/1',
    RequestId: requestId,
    LogicalResourceId: 'Consumer',
    ResourceProperties: {
      ServiceToken: 'provider',
      Consumer: JSON.stringify({
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        ...declaration,
      }),
    },
    ...(physicalResourceId ? { PhysicalResourceId: physicalResourceId } : {}),
    ...(requestType === 'Update' ? { OldResourceProperties: {} } : {}),
  } as CdkCustomResourceEvent;
}

const deps = () => ({ engine: async () => service.engine, consumers: async () => clients.consumers });

async function registrationsOf(queueName: string) {
  return (await clients.consumers.list()).filter((each) => each.settings.queueName === queueName);
}

describe('consumer registration', () => {
  it('writes the settings with their defaults and the function timeout, and removes them on Delete', async () => {
    const queueName = await newQueue();

    const created = await handleConsumerResourceEvent(
      event('Create', { queueName, timeoutMs: 10_000 }),
      deps(),
    );

    expect(await registrationsOf(queueName)).toEqual([
      expect.objectContaining({
        consumerId: created.PhysicalResourceId,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        settings: {
          queueName,
          batchSize: 10,
          maxBatchingWindowMs: 0,
          reportBatchItemFailures: false,
          maxConcurrency: 1_250,
          filters: [],
          enabled: true,
          timeoutMs: 10_000,
        },
      }),
    ]);
    await handleConsumerResourceEvent(event('Delete', { queueName }, created.PhysicalResourceId), deps());
    expect(await registrationsOf(queueName)).toEqual([]);
  });

  it('refuses what CreateEventSourceMapping refuses, in its words', async () => {
    const fifo = await newQueue({ FifoQueue: 'true' }, '.fifo');
    const short = await newQueue({ VisibilityTimeout: '5' });

    await expect(
      handleConsumerResourceEvent(event('Create', { queueName: fifo, batchSize: 11 }), deps()),
    ).rejects.toThrow(
      'batchSize: Maximum batch size must be between 1 and 10 inclusive for a FIFO queue (given 11)',
    );
    await expect(
      handleConsumerResourceEvent(event('Create', { queueName: short, timeoutMs: 6_000 }), deps()),
    ).rejects.toThrow('Queue visibility timeout: 5 seconds is less than Function timeout: 6 seconds');
    await expect(
      handleConsumerResourceEvent(event('Create', { queueName: 'missing-queue' }), deps()),
    ).rejects.toThrow("the queue 'missing-queue' does not exist");
    await expect(
      handleConsumerResourceEvent(event('Create', { queueName: short, filters: ['{"body": 1}'] }), deps()),
    ).rejects.toThrow(/filters\[0\]: .*(Event pattern is not valid|Invalid filter pattern definition)/);
    expect(await registrationsOf(short)).toEqual([]);
  });

  it('keeps the consumer id on an Update in place, and registers anew when the queue changes', async () => {
    const queueName = await newQueue();
    const other = await newQueue();
    const created = await handleConsumerResourceEvent(event('Create', { queueName }), deps());

    const updated = await handleConsumerResourceEvent(
      event('Update', { queueName, batchSize: 3 }, created.PhysicalResourceId),
      deps(),
    );
    const moved = await handleConsumerResourceEvent(
      event('Update', { queueName: other }, created.PhysicalResourceId),
      deps(),
    );

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect((await registrationsOf(queueName)).map((each) => each.settings.batchSize)).toEqual([3]);
    expect(moved.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    expect((await registrationsOf(other)).map((each) => each.consumerId)).toEqual([moved.PhysicalResourceId]);
  });

  describe.each(INSTANT_FAULTS.filter((kind) => kind !== 'transaction-conflict'))(
    'under %s',
    (fault: FaultKind) => {
      it('registers once when the write meets the fault, and once again when CloudFormation repeats the Create', async () => {
        const queueName = await newQueue();
        const requestId = randomUUID();
        faults.next({
          op: 'PutItem',
          fault,
          when: (body) => String(body.Item?.pk?.S ?? '').startsWith('C#'),
        });

        const first = await handleConsumerResourceEvent(
          event('Create', { queueName }, undefined, requestId),
          deps(),
        );
        const repeated = await handleConsumerResourceEvent(
          event('Create', { queueName }, undefined, requestId),
          deps(),
        );

        expect(repeated.PhysicalResourceId).toBe(first.PhysicalResourceId);
        expect((await registrationsOf(queueName)).map((each) => each.consumerId)).toEqual([
          first.PhysicalResourceId,
        ]);
      });

      it('removes the registration when the delete meets the fault', async () => {
        const queueName = await newQueue();
        const created = await handleConsumerResourceEvent(event('Create', { queueName }), deps());
        faults.next({
          op: 'DeleteItem',
          fault,
          when: (body) => String(body.Key?.pk?.S ?? '').startsWith('C#'),
        });

        await handleConsumerResourceEvent(event('Delete', { queueName }, created.PhysicalResourceId), deps());

        expect(await registrationsOf(queueName)).toEqual([]);
      });
    },
  );
});

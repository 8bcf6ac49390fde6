import { randomUUID } from 'node:crypto';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../lambda/auth/policy.js';
import { QueryClient, type QueryResponse } from '../helpers/query-client.js';
import { sharedTestServer, type TestServer } from '../helpers/server.js';
import { queueArn, testClients } from '../helpers/test-queue.js';

let server: TestServer;
/** Names in this file start with it, so ListQueues sees only this file's queues. */
const prefix = `pol-${randomUUID().slice(0, 8)}`;
const ordersQueue = `${prefix}-orders`;
const otherQueue = `${prefix}-other`;
const missingQueue = `${prefix}-missing`;

beforeAll(async () => {
  server = await sharedTestServer();
  const { sqs } = await testClients();
  for (const name of [ordersQueue, otherQueue, `${prefix}-orders-dlq`]) {
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
  }
});

function urlOf(name: string): string {
  return `${server.url}/000000000000/${name}`;
}

/** A new key with `policy`, and both clients signing with it. */
async function keyWith(policy: AccessPolicy) {
  const key = await server.service.accessKeys?.create('policy-test', policy);
  if (key === undefined) throw new Error('the test server runs without auth');
  return {
    key,
    sqs: new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 }),
    query: new QueryClient(server.url, { credentials: key }),
  };
}

async function sdkError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
  }
  throw new Error('expected the call to fail');
}

function errorOf(response: QueryResponse) {
  if (response.ok) throw new Error(`expected an error, got ${response.raw}`);
  return response.error;
}

describe('a key limited to some actions on some queues', () => {
  const producer: AccessPolicy = [
    { actions: ['SendMessage', 'sqs:GetQueue*'], queues: [`${prefix}-orders*`] },
  ];

  it('may call its actions on its queues, over both protocols', async () => {
    const { sqs, query } = await keyWith(producer);

    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: urlOf(ordersQueue), MessageBody: 'allowed' }),
    );
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: urlOf(ordersQueue),
        Entries: [{ Id: '1', MessageBody: 'batch' }],
      }),
    );
    const viaQuery = await query.send('GetQueueAttributes', {
      QueueUrl: urlOf(`${prefix}-orders-dlq`),
      'AttributeName.1': 'QueueArn',
    });

    expect(sent.MessageId).toMatch(/\S/);
    expect(batch.Successful).toHaveLength(1);
    expect(JSON.stringify(viaQuery)).toContain(queueArn(`${prefix}-orders-dlq`));
    sqs.destroy();
  });

  it('gets AccessDenied (403) for another action or another queue, with AWS’s message', async () => {
    const { sqs, key } = await keyWith(producer);

    const action = await sdkError(sqs.send(new ReceiveMessageCommand({ QueueUrl: urlOf(ordersQueue) })));
    const queue = await sdkError(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: urlOf(otherQueue),
          Entries: [{ Id: '1', MessageBody: 'x' }],
        }),
      ),
    );

    expect(action.name).toBe('AccessDenied');
    expect(action.message).toContain(`sqs:receivemessage on resource: ${queueArn(ordersQueue)}`);
    expect(queue.name).toBe('AccessDenied');
    expect(queue.$metadata?.httpStatusCode).toBe(403);
    expect(queue.message).toBe(
      `User: arn:aws:iam::000000000000:user/${key.name} is not authorized to perform: sqs:sendmessage on resource: ${queueArn(otherQueue)} because no identity-based policy allows the sqs:sendmessage action`,
    );
    sqs.destroy();
  });

  it('gets the same answer for a queue that exists and one that does not', async () => {
    const { sqs, query } = await keyWith(producer);

    const existing = await sdkError(
      sqs.send(new SendMessageCommand({ QueueUrl: urlOf(otherQueue), MessageBody: 'x' })),
    );
    const missing = await sdkError(
      sqs.send(new SendMessageCommand({ QueueUrl: urlOf(missingQueue), MessageBody: 'x' })),
    );
    const existingQuery = errorOf(
      await query.call('SendMessage', { QueueUrl: urlOf(otherQueue), MessageBody: 'x' }),
    );
    const missingQuery = errorOf(
      await query.call('SendMessage', { QueueUrl: urlOf(missingQueue), MessageBody: 'x' }),
    );

    expect(missing.name).toBe(existing.name);
    expect(missing.$metadata?.httpStatusCode).toBe(existing.$metadata?.httpStatusCode);
    expect(missing.message.replace(missingQueue, 'Q')).toBe(existing.message.replace(otherQueue, 'Q'));
    expect(existingQuery).toMatchObject({ status: 403, code: 'AccessDenied', type: 'Sender' });
    expect({
      ...missingQuery,
      requestId: '',
      message: missingQuery.message.replace(missingQueue, 'Q'),
    }).toEqual({
      ...existingQuery,
      requestId: '',
      message: existingQuery.message.replace(otherQueue, 'Q'),
    });
    sqs.destroy();
  });

  it('is refused before the queue is looked at: GetQueueUrl on a missing queue outside the policy', async () => {
    const { sqs } = await keyWith(producer);

    const outside = await sdkError(sqs.send(new GetQueueUrlCommand({ QueueName: missingQueue })));
    const inside = await sdkError(
      sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-orders-missing` })),
    );

    expect(outside.name).toBe('AccessDenied');
    expect(inside.name).toBe('QueueDoesNotExist');
    sqs.destroy();
  });

  it('cannot create queues outside its patterns', async () => {
    const { sqs } = await keyWith([{ actions: ['CreateQueue'], queues: [`${prefix}-team-*`] }]);

    const created = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-team-1` }));
    const refused = await sdkError(sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-elsewhere` })));

    expect(created.QueueUrl).toBe(urlOf(`${prefix}-team-1`));
    expect(refused.name).toBe('AccessDenied');
    sqs.destroy();
  });

  it('needs a * queue pattern for a QueueUrl that names no queue of this service', async () => {
    const { sqs } = await keyWith(producer);
    const full = (await testClients()).sqs;
    const foreignUrl = `${server.url}/123456789012/${ordersQueue}`;

    const limited = await sdkError(
      sqs.send(new SendMessageCommand({ QueueUrl: foreignUrl, MessageBody: 'x' })),
    );
    const unlimited = await sdkError(
      full.send(new SendMessageCommand({ QueueUrl: foreignUrl, MessageBody: 'x' })),
    );

    expect(limited.name).toBe('AccessDenied');
    expect(unlimited.name).toBe('QueueDoesNotExist');
    sqs.destroy();
  });
});

describe('ListQueues under a policy', () => {
  it('lists only the queues the key’s ListQueues statements match', async () => {
    const { sqs, query } = await keyWith([
      { actions: ['ListQueues'], queues: [`${prefix}-orders*`] },
      { actions: ['SendMessage'], queues: ['*'] },
    ]);

    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    const viaQuery = await query.send('ListQueues', { QueueNamePrefix: prefix });

    expect(listed.QueueUrls?.sort()).toEqual([urlOf(ordersQueue), urlOf(`${prefix}-orders-dlq`)]);
    expect(JSON.stringify(viaQuery)).toContain(urlOf(ordersQueue));
    expect(JSON.stringify(viaQuery)).not.toContain(urlOf(otherQueue));
    sqs.destroy();
  });

  it('lists everything for a * pattern', async () => {
    const { sqs } = await keyWith([{ actions: ['List*'], queues: ['*'] }]);

    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));

    expect(listed.QueueUrls).toContain(urlOf(otherQueue));
    sqs.destroy();
  });

  it('is AccessDenied for a key without a ListQueues statement', async () => {
    const { sqs } = await keyWith([{ actions: ['SendMessage'], queues: ['*'] }]);

    const error = await sdkError(sqs.send(new ListQueuesCommand({})));

    expect(error.name).toBe('AccessDenied');
    sqs.destroy();
  });
});

describe('message move tasks under a policy', () => {
  it('are authorised on the dead-letter queue their SourceArn or TaskHandle names', async () => {
    const { sqs, query } = await keyWith([
      {
        actions: ['StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask'],
        queues: [`${prefix}-orders-dlq`],
      },
    ]);
    const foreignHandle = Buffer.from(
      JSON.stringify({ taskId: 't', sourceArn: queueArn(otherQueue) }),
    ).toString('base64');

    const listed = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: queueArn(`${prefix}-orders-dlq`) }),
    );
    const otherList = await sdkError(
      sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn(otherQueue) })),
    );
    const otherCancel = await sdkError(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: foreignHandle })),
    );
    const garbled = errorOf(await query.call('CancelMessageMoveTask', { TaskHandle: 'not-a-handle' }));

    expect(listed.Results).toEqual([]);
    expect(otherList.name).toBe('AccessDenied');
    expect(otherCancel.name).toBe('AccessDenied');
    expect(garbled.code).toBe('AccessDenied');
    sqs.destroy();
  });

  it('need SendMessage on a DestinationArn', async () => {
    const { sqs } = await keyWith([{ actions: ['StartMessageMoveTask'], queues: [`${prefix}-orders-dlq`] }]);

    const error = await sdkError(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: queueArn(`${prefix}-orders-dlq`),
          DestinationArn: queueArn(otherQueue),
        }),
      ),
    );

    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(`sqs:sendmessage on resource: ${queueArn(otherQueue)}`);
    sqs.destroy();
  });
});

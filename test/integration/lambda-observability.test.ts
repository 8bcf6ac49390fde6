import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { FULL_ACCESS } from '../../lambda/auth/policy.js';
import type { Config } from '../../lambda/config.js';
import { createService, type Service } from '../../lambda/create-service.js';
import type { SqsEngine } from '../../lambda/engine/types.js';
import { createLambdaHandler } from '../../lambda/entries/lambda.js';
import { QueueMetrics } from '../../lambda/observability/queue-metrics.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { type CapturedOutput, captureOutput, metricSum, metricValues } from '../helpers/captured-output.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, httpApiEvent, lambdaContext, startHttpApiShim } from '../helpers/http-api-shim.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

let service: Service;
let shim: HttpApiShim;
let sqs: SQSClient;
let output: CapturedOutput;
/** The key the client signs with: its id and secret differ, so a log line can be searched for the secret. */
let key: { accessKeyId: string; secretAccessKey: string };

beforeAll(async () => {
  const config: Config = {
    tableName: uniqueTableName(),
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    accountId: TEST_ACCOUNT_ID,
    region: TEST_REGION,
    dynamodbCredentials: DUMMY_CREDENTIALS,
    // Auth on, as deployed.
    auth: { cipher: { kind: 'local', key: randomBytes(32) } },
  };
  const metrics = new QueueMetrics();
  service = await createService(config, { ensureTable: true, runMoveTasks: false, metrics });
  const created = await service.accessKeys?.create('observability-test', FULL_ACCESS);
  if (created === undefined) throw new Error('auth is off');
  key = created;
  shim = await startHttpApiShim(createLambdaHandler({ metrics, createService: async () => service }));
  sqs = new SQSClient({ endpoint: shim.url, region: TEST_REGION, credentials: key, maxAttempts: 1 });
});

afterAll(async () => {
  sqs?.destroy();
  await shim?.close();
  await service?.close();
});

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  output.restore();
  vi.restoreAllMocks();
});

function queueName(): string {
  return `obs-${randomUUID().slice(0, 8)}`;
}

describe('Request log', () => {
  it('writes one JSON line per request with its ids, action, queue, access key, status and latency', async () => {
    const name = queueName();

    const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: created.QueueUrl, MessageBody: 'hello' }));

    const requests = output.logs().filter((line) => line.message === 'request');
    expect(requests).toHaveLength(2);
    expect(requests.map((line) => line.requestId)).toEqual([
      created.$metadata.requestId,
      sent.$metadata.requestId,
    ]);
    expect(requests[1]).toMatchObject({
      level: 'INFO',
      action: 'SendMessage',
      queueName: name,
      accessKeyId: key.accessKeyId,
      status: 200,
      lambdaRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      latencyMs: expect.any(Number),
    });
    expect(requests[1]).not.toHaveProperty('errorCode');
  });

  it('says which SQS error a request got', async () => {
    const missing = `${TEST_ACCOUNT_ID}/${queueName()}`;

    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${shim.url}/${missing}`, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });

    const [line] = output.logs().filter((l) => l.message === 'request');
    expect(line).toMatchObject({
      level: 'INFO',
      action: 'SendMessage',
      status: 400,
      errorCode: 'QueueDoesNotExist',
    });
  });

  it('never writes a message body, a receipt handle, a signature or a secret', async () => {
    const body = `body-${randomUUID()}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName() }));
    const eventsBefore = shim.events.length;

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const receiptHandle = received.Messages?.[0]?.ReceiptHandle ?? '';
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: receiptHandle }] }),
    );

    const written = output.lines().join('\n');
    const authorization = shim.events[eventsBefore]?.headers.authorization ?? '';
    const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? '';
    expect(receiptHandle.length).toBeGreaterThan(20);
    expect(signature).toHaveLength(64);
    expect(written).toContain('"action":"DeleteMessageBatch"');
    expect(written).not.toContain(body);
    expect(written).not.toContain(receiptHandle);
    expect(written).not.toContain(signature);
    expect(written).toContain(key.accessKeyId);
    expect(written).not.toContain(key.secretAccessKey);
    expect(written.toLowerCase()).not.toContain('authorization');
  });

  it('writes an InternalError at ERROR level with the failure behind it, which the client never sees', async () => {
    const engine = new Proxy(
      { accountId: TEST_ACCOUNT_ID, region: TEST_REGION },
      {
        get: (target, name) =>
          name in target
            ? target[name as keyof typeof target]
            : () => Promise.reject(new Error('simulated DynamoDB outage')),
      },
    ) as unknown as SqsEngine;
    const broken = { handler: createRequestHandler(engine) } as unknown as Service;
    const failing = createLambdaHandler({ metrics: new QueueMetrics(), createService: async () => broken });
    vi.spyOn(console, 'error').mockImplementation(() => {});

    const result = await failing(
      httpApiEvent({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
        body: Buffer.from('{}'),
      }),
      lambdaContext(),
    );

    const [line] = output.logs().filter((l) => l.message === 'request');
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('simulated');
    expect(line).toMatchObject({
      level: 'ERROR',
      action: 'ListQueues',
      status: 500,
      errorCode: 'InternalError',
      error: { name: 'Error', message: 'simulated DynamoDB outage' },
    });
  });
});

describe('Request metrics (EMF)', () => {
  it('counts sent messages with their sizes, received, empty receives and deleted, per queue', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'x'.repeat(10) },
          { Id: 'b', MessageBody: 'y'.repeat(200) },
          {
            Id: 'c',
            MessageBody: 'z',
            MessageAttributes: { colour: { DataType: 'String', StringValue: 'blue' } },
          },
        ],
      }),
    );
    const messages = await receiveAll(QueueUrl as string, 3);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));

    const emf = output.emf();
    expect(metricSum(emf, name, 'NumberOfMessagesSent')).toBe(3);
    // Body plus attribute name, type and value, as SQS counts a message's size: 1 + 6 + 6 + 4.
    expect(metricValues(emf, name, 'SentMessageSize').sort((a, b) => a - b)).toEqual([10, 17, 200]);
    expect(metricSum(emf, name, 'NumberOfMessagesReceived')).toBe(3);
    expect(metricSum(emf, name, 'NumberOfMessagesDeleted')).toBe(3);
    expect(metricSum(emf, name, 'NumberOfEmptyReceives')).toBeGreaterThanOrEqual(1);
  });

  it('writes every document in the DynamoSQS namespace with QueueName as its only dimension', async () => {
    const name = queueName();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));

    const [document] = output.emf();
    expect(document?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'DynamoSQS',
        Dimensions: [['QueueName']],
        Metrics: [
          { Name: 'NumberOfMessagesSent', Unit: 'Count' },
          { Name: 'SentMessageSize', Unit: 'Bytes' },
        ],
      },
    ]);
    expect(document).toMatchObject({ QueueName: name, NumberOfMessagesSent: 1, SentMessageSize: 3 });
    expect(document).not.toHaveProperty('service');
  });

  it('counts a message a receive moved to the dead-letter queue on the source queue', async () => {
    const source = queueName();
    const dlq = queueName();
    await sqs.send(new CreateQueueCommand({ QueueName: dlq }));
    const dlqArn = `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${dlq}`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: source,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));

    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
    );
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    const inDlq = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: `${shim.url}/${TEST_ACCOUNT_ID}/${dlq}`,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );

    const emf = output.emf();
    expect(first.Messages).toHaveLength(1);
    expect(second.Messages ?? []).toEqual([]);
    expect(inDlq.Attributes?.ApproximateNumberOfMessages).toBe('1');
    expect(metricSum(emf, source, 'NumberOfMessagesMovedToDeadLetterQueue')).toBe(1);
    expect(metricSum(emf, source, 'NumberOfMessagesReceived')).toBe(1);
    expect(metricSum(emf, source, 'NumberOfEmptyReceives')).toBe(1);
    expect(metricSum(emf, dlq, 'NumberOfMessagesSent')).toBe(0);
  });

  it('counts a FIFO duplicate as sent only once', async () => {
    const name = `${queueName()}.fifo`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }),
    );
    const message = { QueueUrl, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: 'd' };

    const original = await sqs.send(new SendMessageCommand(message));
    const duplicate = await sqs.send(new SendMessageCommand(message));

    expect(duplicate.MessageId).toBe(original.MessageId);
    expect(metricSum(output.emf(), name, 'NumberOfMessagesSent')).toBe(1);
  });
});

async function receiveAll(QueueUrl: string, count: number) {
  const messages: { ReceiptHandle?: string }[] = [];
  const deadline = Date.now() + 10_000;
  while (messages.length < count && Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
}

/**
 * Lambda consumers as `cdk deploy` would run them: the dispatcher, request, background and queue resource
 * functions are the bundles `cdk synth` makes. The request function sits behind the HTTP API stand-in, and a
 * stand-in for Lambda's Invoke API (test/helpers/lambda-invoke-api.ts) hosts the dispatcher and the consumers'
 * functions: every kick and every consumer invocation goes through the real Lambda client, over HTTP, against
 * DynamoDB Local.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CdkCustomResourceEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAccessKeys } from '../../lambda/auth/create-auth.js';
import type { ConsumerDeclaration } from '../../lambda/dispatch/consumer-declaration.js';
import { REGISTRY_TTL_MS } from '../../lambda/dispatch/consumer-registry.js';
import type { BackgroundHandler } from '../../lambda/entries/background.js';
import type { LambdaHandler } from '../../lambda/entries/lambda.js';
import type { QueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { ensureTable } from '../../lambda/storage/dynamo/table.js';
import { BUNDLING_TIMEOUT_MS, type BundledApp, synthBundledApp } from '../helpers/bundled-app.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, lambdaContext, startHttpApiShim } from '../helpers/http-api-shim.js';
import {
  type HostedFunction,
  type Invocation,
  type LambdaInvokeApi,
  startLambdaInvokeApi,
} from '../helpers/lambda-invoke-api.js';
import { pollFor } from '../helpers/poll.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

const DISPATCHER = 'dispatcher';
const prefix = `consumers-${randomUUID().slice(0, 6)}`;

let app: BundledApp;
let shim: HttpApiShim;
let lambdaApi: LambdaInvokeApi;
let sqs: SQSClient;
let queueResource: QueueResourceHandler;
let background: BackgroundHandler;
/** The functions the stand-in hosts: the dispatcher, and each test's consumers, added as it goes. */
const functions: Record<string, HostedFunction> = {};

beforeAll(async () => {
  app = await synthBundledApp();
  functions[DISPATCHER] = { handler: await app.importHandler(DISPATCHER), timeoutMs: 900_000 };
  queueResource = await app.importHandler<QueueResourceHandler>('queueResource');
  background = await app.importHandler<BackgroundHandler>('background');
  lambdaApi = await startLambdaInvokeApi(functions);

  const tableName = uniqueTableName();
  const endpoint = inject('dynamodbEndpoint');
  const localKey = randomBytes(32);
  // What the stack sets, with DynamoDB Local, the local cipher and the Invoke API stand-in for AWS.
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('DYNAMODB_ENDPOINT', endpoint);
  vi.stubEnv('SQS_ACCOUNT_ID', TEST_ACCOUNT_ID);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', DUMMY_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', DUMMY_CREDENTIALS.secretAccessKey);
  vi.stubEnv('KEYS_LOCAL_KEY', localKey.toString('base64'));
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', process.env.TEST_LOG_LEVEL ?? 'ERROR');
  vi.stubEnv('DISPATCHER_FUNCTION_NAME', DISPATCHER);
  vi.stubEnv('LAMBDA_ENDPOINT', lambdaApi.url);

  const client = new DynamoDBClient({ region: TEST_REGION, endpoint, credentials: DUMMY_CREDENTIALS });
  await ensureTable(client, tableName);
  const { accessKeys } = createAccessKeys(
    { kind: 'local', key: localKey },
    { client, tableName, region: TEST_REGION, meter: new CapacityMeter() },
  );
  const key = await accessKeys.create('app', [{ actions: ['*'], queues: [`${prefix}-*`] }]);
  client.destroy();

  shim = await startHttpApiShim(await app.importHandler<LambdaHandler>('request'));
  sqs = new SQSClient({ endpoint: shim.url, region: TEST_REGION, credentials: key, maxAttempts: 1 });
}, BUNDLING_TIMEOUT_MS);

afterAll(async () => {
  await lambdaApi?.idle(60_000).catch(() => {});
  sqs?.destroy();
  await shim?.close();
  await lambdaApi?.close();
  vi.unstubAllEnvs();
  app?.remove();
});

/** Creates a queue through the API; its name gets the file's prefix. */
async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const out = await sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-${name}`, Attributes: attributes }),
  );
  return out.QueueUrl ?? '';
}

/**
 * Hosts `handler` as a function and registers it as a consumer of the queue, as a `QueueEventSource`'s custom
 * resource does on deployment (through the bundled queue resource function).
 */
async function addConsumer(
  functionName: string,
  queueName: string,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>,
  settings: Omit<ConsumerDeclaration, 'queueName' | 'functionArn'> = {},
): Promise<void> {
  const timeoutMs = settings.timeoutMs ?? 3_000;
  functions[functionName] = { handler: (event: SQSEvent) => handler(event), timeoutMs };
  const declaration: ConsumerDeclaration = {
    ...settings,
    queueName: `${prefix}-${queueName}`,
    functionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT_ID}:function:${functionName}`,
    timeoutMs,
  };
  const event = {
    RequestType: 'Create',
    ResourceType: 'Custom::SqsConsumer',
    ServiceToken: 'provider',
    ResponseURL: 'https://example.com/response',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/Consumers/1',
    RequestId: randomUUID(),
    LogicalResourceId: `Consumer${functionName.replace(/\W/g, '')}`,
    ResourceProperties: { ServiceToken: 'provider', Consumer: JSON.stringify(declaration) },
  } as CdkCustomResourceEvent;
  await queueResource(event);
  // A function's copy of the registrations may be this old: a consumer is seen within it (docs/design.md).
  await new Promise((resolve) => setTimeout(resolve, REGISTRY_TTL_MS));
}

function invocationsOf(functionName: string): Invocation[] {
  return lambdaApi.invocations.filter((each) => each.functionName === functionName);
}

function recordsOf(functionName: string): SQSEvent['Records'] {
  return invocationsOf(functionName).flatMap((each) => (each.event as SQSEvent).Records);
}

function kicksOf(queueName: string): Invocation[] {
  return invocationsOf(DISPATCHER).filter(
    (each) => (each.event as { queueName?: string }).queueName === `${prefix}-${queueName}`,
  );
}

async function depth(queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('Lambda consumers, bundled', () => {
  it('invokes the consumer after a send through the API, with the event Lambda would send, and deletes the batch', async () => {
    const queueUrl = await createQueue('exact');
    await addConsumer('exact', 'exact', async () => undefined);

    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"order":1}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'order' },
          count: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
        },
      }),
    );
    const [record] = await pollFor(
      async () => recordsOf('exact'),
      (records) => records.length > 0,
      10_000,
    );

    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: '{"order":1}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
        count: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: sent.MD5OfMessageBody,
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${prefix}-exact`,
      awsRegion: TEST_REGION,
    });
    expect(kicksOf('exact').map((kick) => [kick.invocationType, kick.event])).toEqual([
      ['Event', { queueName: `${prefix}-exact` }],
    ]);
    await pollFor(
      () => depth(queueUrl),
      (n) => n === 0,
      10_000,
    );
  }, 60_000);

  it('gives a failed batch back after its visibility timeout, and moves a poison record to the dead-letter queue', async () => {
    const dlqUrl = await createQueue('poison-dlq');
    const dlqArn = `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${prefix}-poison-dlq`;
    await createQueue('poison', {
      // 2 s, not 1: a receive that outlasts its visibility timeout hands nothing out, and DynamoDB Local on a
      // loaded machine can take a second.
      VisibilityTimeout: '2',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    await addConsumer(
      'poison',
      'poison',
      async () => {
        throw new Error('cannot handle this');
      },
      { timeoutMs: 1_000 },
    );

    await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${shim.url}/${TEST_ACCOUNT_ID}/${prefix}-poison`,
        MessageBody: 'poison',
      }),
    );
    const moved = await pollFor(
      async () =>
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 1 }))).Messages ?? [],
      (messages) => messages.length > 0,
      30_000,
    );

    expect(moved.map((message) => message.Body)).toEqual(['poison']);
    expect(
      recordsOf('poison').map((record) => [record.body, record.attributes.ApproximateReceiveCount]),
    ).toEqual([
      ['poison', '1'],
      ['poison', '2'],
    ]);
  }, 60_000);

  it('deletes the records a partial batch response leaves out, and gives back only the failed one', async () => {
    const queueUrl = await createQueue('partial', { VisibilityTimeout: '2' });
    await addConsumer(
      'partial',
      'partial',
      async (event) => ({
        batchItemFailures: event.Records.filter(
          (record) => record.body === 'b' && record.attributes.ApproximateReceiveCount === '1',
        ).map((record) => ({ itemIdentifier: record.messageId })),
      }),
      { reportBatchItemFailures: true, timeoutMs: 1_000 },
    );

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    await pollFor(
      async () => recordsOf('partial').filter((record) => record.body === 'b').length,
      (count) => count === 2,
      20_000,
    );
    await pollFor(
      () => depth(queueUrl),
      (n) => n === 0,
      10_000,
    );

    const deliveries = recordsOf('partial').map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`);
    expect(deliveries.sort()).toEqual(['a:1', 'b:1', 'b:2', 'c:1']);
  }, 60_000);

  it('keeps a FIFO group in order: a failed record holds back the later records of its group', async () => {
    const queueUrl = await createQueue('ordered.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      VisibilityTimeout: '2',
    });
    await addConsumer(
      'ordered',
      'ordered.fifo',
      async (event) => ({
        batchItemFailures: event.Records.filter(
          (record) => record.body === 'b' && record.attributes.ApproximateReceiveCount === '1',
        ).map((record) => ({ itemIdentifier: record.messageId })),
      }),
      { reportBatchItemFailures: true, timeoutMs: 1_000 },
    );

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: 'g' })),
      }),
    );
    await pollFor(
      () => depth(queueUrl),
      (n) => n === 0,
      20_000,
    );

    const batches = invocationsOf('ordered').map((each) =>
      (each.event as SQSEvent).Records.map((r) => r.body),
    );
    expect(batches.flat()).toEqual(['a', 'b', 'c', 'b', 'c']);
  }, 60_000);

  it('holds maxConcurrency across concurrent dispatcher invocations', async () => {
    const queueUrl = await createQueue('concurrency', { VisibilityTimeout: '10' });
    let running = 0;
    let mostRunning = 0;
    await addConsumer(
      'concurrency',
      'concurrency',
      async () => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running -= 1;
        return undefined;
      },
      { batchSize: 1, maxConcurrency: 2, timeoutMs: 5_000 },
    );
    const lambda = new LambdaClient({
      endpoint: lambdaApi.url,
      region: TEST_REGION,
      credentials: DUMMY_CREDENTIALS,
    });

    // Ten sends (ten kicks), and two more kicks at once, as two request functions would send them.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `m${i}` })),
      ),
    );
    const kick = new TextEncoder().encode(JSON.stringify({ queueName: `${prefix}-concurrency` }));
    await Promise.all(
      [1, 2].map(() =>
        lambda.send(new InvokeCommand({ FunctionName: DISPATCHER, InvocationType: 'Event', Payload: kick })),
      ),
    );
    lambda.destroy();
    await pollFor(
      async () => new Set(recordsOf('concurrency').map((record) => record.body)).size,
      (count) => count === 10,
      30_000,
    );
    await pollFor(
      () => depth(queueUrl),
      (n) => n === 0,
      10_000,
    );

    expect(kicksOf('concurrency').length).toBeGreaterThanOrEqual(12);
    expect(mostRunning).toBeLessThanOrEqual(2);
  }, 60_000);

  it('deletes records that match no filter without an invocation', async () => {
    const queueUrl = await createQueue('filtered');
    await addConsumer('filtered', 'filtered', async () => undefined, {
      filters: ['{"body":{"kind":["order"]}}'],
    });

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'order', MessageBody: '{"kind":"order"}' },
          { Id: 'other', MessageBody: '{"kind":"refund"}' },
        ],
      }),
    );
    await pollFor(
      () => depth(queueUrl),
      (n) => n === 0,
      20_000,
    );
    await lambdaApi.idle(30_000);

    expect(recordsOf('filtered').map((record) => record.body)).toEqual(['{"kind":"order"}']);
  }, 60_000);

  it('waits for a delayed message to become due, then invokes', async () => {
    const queueUrl = await createQueue('delayed');
    await addConsumer('delayed', 'delayed', async () => undefined);

    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'later', DelaySeconds: 2 }),
    );
    const records = await pollFor(
      async () => recordsOf('delayed'),
      (r) => r.length > 0,
      15_000,
    );

    expect(records.map((record) => record.messageId)).toEqual([sent.MessageId]);
    const kick = kicksOf('delayed')[0] as Invocation;
    expect((kick.event as { notBeforeMs?: number }).notBeforeMs).toBeGreaterThan(kick.receivedMs);
  }, 60_000);

  it('invokes nothing for an empty queue with a consumer, and the background job kicks a queue whose messages wait', async () => {
    await createQueue('idle');
    await addConsumer('idle', 'idle', async () => undefined);
    const waitingUrl = await createQueue('waiting');
    // Sent before the consumer exists: no kick; the background job finds it.
    await sqs.send(new SendMessageCommand({ QueueUrl: waitingUrl, MessageBody: 'waited' }));
    await addConsumer('waiting', 'waiting', async () => undefined);
    await lambdaApi.idle(30_000);
    const before = lambdaApi.invocations.length;

    await background({}, lambdaContext(60_000));
    await pollFor(
      async () => recordsOf('waiting').length,
      (count) => count === 1,
      15_000,
    );
    await lambdaApi.idle(30_000);

    expect(kicksOf('idle')).toEqual([]);
    expect(invocationsOf('idle')).toEqual([]);
    expect(
      lambdaApi.invocations
        .slice(before)
        .map((each) => [each.functionName, (each.event as { queueName?: string }).queueName]),
    ).toEqual([
      [DISPATCHER, `${prefix}-waiting`],
      ['waiting', undefined],
    ]);
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BackgroundResult, createBackgroundHandler } from '../../lambda/entries/background.js';
import { queueKey } from '../../lambda/storage/dynamo/schema.js';
import { type EmfDocument, useCapturedOutput } from '../helpers/captured-output.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { lambdaContext } from '../helpers/http-api-shim.js';
import { createJsonClient } from '../helpers/json-client.js';
import { pollFor, pollUntil } from '../helpers/poll.js';
import { startTestServer, TEST_ACCOUNT_ID, TEST_REGION, type TestServer } from '../helpers/server.js';

/** The scheduled function's timeout, and how long before it the work stops. */
const TIMEOUT_MS = 60_000;
const MARGIN_MS = 10_000;

let server: TestServer;
let sqs: SQSClient;
const output = useCapturedOutput();
const runBackground = createBackgroundHandler({ createService: async () => server.service });

beforeAll(async () => {
  // Auth on, as deployed; move tasks only move when a scheduled run calls `runOnce`.
  server = await startTestServer({ runMoveTasks: false });
  sqs = createJsonClient(server.url);
});

afterAll(async () => {
  sqs?.destroy();
  await server?.close();
});

function queueName(): string {
  return `bg-${randomUUID().slice(0, 8)}`;
}

function queueUrl(name: string): string {
  return `${server.url}/${TEST_ACCOUNT_ID}/${name}`;
}

/** One scheduled run with the function's full minute, and the gauge document it wrote for `name`. */
async function gaugesAfterRun(name: string): Promise<EmfDocument | undefined> {
  output().clear();
  await runBackground({}, lambdaContext(TIMEOUT_MS));
  return output()
    .emf()
    .find((doc) => doc.QueueName === name);
}

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return queueUrl(name);
}

describe('Background job: gauges', () => {
  it("publishes a Standard queue's visible, in-flight and delayed counts and the age of its oldest message", async () => {
    const name = queueName();
    const QueueUrl = await createQueue(name);
    const firstSentMs = Date.now();
    for (const body of ['a', 'b', 'c'])
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60, WaitTimeSeconds: 1 }));

    const gauges = await pollFor(
      () => gaugesAfterRun(name),
      (doc) => Number(doc?.ApproximateAgeOfOldestMessage) >= 2,
      10_000,
      250,
    );
    const ageLimitSeconds = Math.ceil((Date.now() - firstSentMs) / 1000);

    expect(gauges).toMatchObject({
      QueueName: name,
      ApproximateNumberOfMessagesVisible: 2,
      ApproximateNumberOfMessagesNotVisible: 1,
      ApproximateNumberOfMessagesDelayed: 1,
    });
    expect(gauges?.ApproximateAgeOfOldestMessage).toBeLessThanOrEqual(ageLimitSeconds);
    expect(gauges?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'DynamoSQS',
        Dimensions: [['QueueName']],
        Metrics: [
          { Name: 'ApproximateNumberOfMessagesVisible', Unit: 'Count' },
          { Name: 'ApproximateNumberOfMessagesNotVisible', Unit: 'Count' },
          { Name: 'ApproximateNumberOfMessagesDelayed', Unit: 'Count' },
          { Name: 'ApproximateAgeOfOldestMessage', Unit: 'Seconds' },
        ],
      },
    ]);
  });

  it("publishes a FIFO queue's counts and the age of the oldest message, received or not", async () => {
    const name = `${queueName()}.fifo`;
    const QueueUrl = await createQueue(name, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const neverReceived = `${queueName()}.fifo`;
    const otherUrl = await createQueue(neverReceived, {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    for (const body of ['1', '2', '3']) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: 'g' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: body, MessageGroupId: 'h' }));
    }
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60, WaitTimeSeconds: 1 }),
    );

    const gauges = await pollFor(
      () => gaugesAfterRun(name),
      (doc) => Number(doc?.ApproximateAgeOfOldestMessage) >= 2,
      10_000,
      250,
    );
    const other = output()
      .emf()
      .find((doc) => doc.QueueName === neverReceived);

    expect(received.Messages?.map((m) => m.Body)).toEqual(['1']);
    expect(gauges).toMatchObject({
      ApproximateNumberOfMessagesVisible: 2,
      ApproximateNumberOfMessagesNotVisible: 1,
      ApproximateNumberOfMessagesDelayed: 0,
    });
    expect(other).toMatchObject({ ApproximateNumberOfMessagesVisible: 3 });
    // Its messages went out a few ms after the first queue's, so its age may be a second less, never more.
    expect(other?.ApproximateAgeOfOldestMessage).toBeGreaterThanOrEqual(
      Number(gauges?.ApproximateAgeOfOldestMessage) - 1,
    );
    expect(other?.ApproximateAgeOfOldestMessage).toBeLessThanOrEqual(
      Number(gauges?.ApproximateAgeOfOldestMessage),
    );
  });

  it('publishes zero counts and no age for an empty queue', async () => {
    const name = queueName();
    await createQueue(name);

    const gauges = await gaugesAfterRun(name);

    expect(gauges).toMatchObject({
      ApproximateNumberOfMessagesVisible: 0,
      ApproximateNumberOfMessagesNotVisible: 0,
      ApproximateNumberOfMessagesDelayed: 0,
    });
    expect(gauges).not.toHaveProperty('ApproximateAgeOfOldestMessage');
  });

  it('leaves a Standard message received 3 times out of the age while newer messages wait, as SQS does', async () => {
    const name = queueName();
    const QueueUrl = await createQueue(name);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    // Taken once the send is answered, so the message is at least this old (it was stamped before).
    const poisonSentMs = Date.now();
    for (let i = 0; i < 3; i++) {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
    }
    await pollUntil(async () => Date.now() - poisonSentMs >= 3_000, 5_000);

    const alone = await gaugesAfterRun(name);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'fresh' }));
    const withFresh = await gaugesAfterRun(name);

    expect(alone?.ApproximateAgeOfOldestMessage).toBeGreaterThanOrEqual(3);
    expect(withFresh).toMatchObject({ ApproximateNumberOfMessagesVisible: 2 });
    expect(withFresh?.ApproximateAgeOfOldestMessage).toBeLessThan(2);
  });

  it('counts the age of a message in a dead-letter queue from its move there, as SQS does', async () => {
    const dlq = queueName();
    await createQueue(dlq);
    const source = await createQueue(queueName(), {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${dlq}`,
        maxReceiveCount: 1,
      }),
    });
    const sentMs = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
    await pollUntil(async () => Date.now() - sentMs >= 3_000, 5_000);

    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, WaitTimeSeconds: 0 }));
    const gauges = await gaugesAfterRun(dlq);

    expect(gauges).toMatchObject({ ApproximateNumberOfMessagesVisible: 1 });
    expect(gauges?.ApproximateAgeOfOldestMessage).toBeLessThan(2);
  });
});

describe('Background job: message move tasks', () => {
  it('completes a move task over scheduled runs and moves every message back to its source', async () => {
    const dlq = queueName();
    const dlqUrl = await createQueue(dlq);
    const dlqArn = `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${dlq}`;
    const source = await createQueue(queueName(), {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    for (const body of ['1', '2', '3'])
      await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: body }));
    await pollFor(
      async () => {
        await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        return approximateCount(dlqUrl);
      },
      (count) => count === 3,
    );

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    // Each run gets 2 s before its margin: the task needs more than one run only on a slow machine.
    const task = await pollFor(
      async () => {
        await runBackground({}, lambdaContext(MARGIN_MS + 2_000));
        const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
        return Results?.[0];
      },
      (latest) => latest?.Status === 'COMPLETED',
      20_000,
      0,
    );

    expect(task).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 });
    expect(await approximateCount(dlqUrl)).toBe(0);
    expect(await approximateCount(source)).toBe(3);
  });
});

describe('Background job: cleanup', () => {
  it("deletes a dead-letter queue's finished tasks beyond the ten ListMessageMoveTasks can show", async () => {
    const dlq = queueName();
    await createQueue(dlq);
    const dlqArn = `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${dlq}`;
    await createQueue(queueName(), {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
    });

    const started: number[] = [];
    for (let i = 0; i < 12; i++) {
      await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
      // An empty dead-letter queue's task completes at its first step, in the next scheduled run.
      await runBackground({}, lambdaContext(MARGIN_MS + 2_000));
      const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
      started.push(Number(Results?.[0]?.StartedTimestamp));
    }
    const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    const stored = await storedTaskCount(dlq);

    expect(listed.Results?.map((task) => task.Status)).toEqual(Array(10).fill('COMPLETED'));
    expect(listed.Results?.map((task) => task.StartedTimestamp)).toEqual(started.slice(2).reverse());
    expect(stored).toBe(10);
  });
});

describe('Background job: cost and limits', () => {
  it('makes six DynamoDB reads when there is nothing to do', async () => {
    const idle = await startTestServer({ runMoveTasks: false });
    const runIdle = createBackgroundHandler({ createService: async () => idle.service });

    let result: BackgroundResult;
    try {
      result = await runIdle({}, lambdaContext(TIMEOUT_MS));
    } finally {
      await idle.close();
    }

    // The account's active move tasks (one strongly consistent Query), its queue records (one Query) and the
    // four partitions of publish records whose fan-out was cut off (one eventually consistent Query each).
    expect(result).toMatchObject({
      queuesMeasured: 0,
      gaugesComplete: true,
      dynamodbCalls: 6,
      writeUnits: 0,
    });
    expect(result.readUnits).toBeLessThanOrEqual(3.5);
  });

  it('measures no queue when no time is left, says so, and the next run measures them all', async () => {
    const name = queueName();
    await createQueue(name);

    const late = await runBackground({}, lambdaContext(MARGIN_MS - 1));
    const warning = output()
      .logs()
      .find((line) => line.level === 'WARN');
    const next = await gaugesAfterRun(name);

    expect(late).toMatchObject({ queuesMeasured: 0, gaugesComplete: false });
    expect(warning?.message).toMatch(/deadline stopped the gauges/);
    expect(next).toMatchObject({ QueueName: name, ApproximateNumberOfMessagesVisible: 0 });
  });

  it('writes one log line per run with what it measured and the DynamoDB units it used', async () => {
    await createQueue(queueName());

    await runBackground({}, lambdaContext(TIMEOUT_MS));

    const [line] = output()
      .logs()
      .filter((l) => l.message === 'background run');
    expect(line).toMatchObject({
      level: 'INFO',
      lambdaRequestId: expect.any(String),
      gaugesComplete: true,
      queuesMeasured: expect.any(Number),
      readUnits: expect.any(Number),
      writeUnits: expect.any(Number),
      dynamodbCalls: expect.any(Number),
    });
    expect(line?.queuesMeasured).toBeGreaterThan(0);
  });
});

async function approximateCount(QueueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Task items stored for a dead-letter queue, read from the table itself: no SQS action shows the ones beyond 10. */
async function storedTaskCount(dlqName: string): Promise<number> {
  const client = new DynamoDBClient({
    region: TEST_REGION,
    endpoint: inject('dynamodbEndpoint'),
    credentials: DUMMY_CREDENTIALS,
  });
  try {
    const queue = await client.send(
      new GetItemCommand({ TableName: server.tableName, Key: marshall(queueKey(TEST_ACCOUNT_ID, dlqName)) }),
    );
    const queueId = queue.Item?.id?.S;
    const tasks = await client.send(
      new QueryCommand({
        TableName: server.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `MT#${queueId}` } },
        Select: 'COUNT',
        ConsistentRead: true,
      }),
    );
    return tasks.Count ?? 0;
  } finally {
    client.destroy();
  }
}

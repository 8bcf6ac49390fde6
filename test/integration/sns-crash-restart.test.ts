import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type CrashableServer, startCrashableServer } from '../helpers/fault-crash.js';
import { createRetryingClient } from '../helpers/fault-service.js';
import { uniqueTableName } from '../helpers/server.js';
import { createQueueWithArn, receiveAll, receiveFor, uniqueName } from '../helpers/sns.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const QUEUES = 12;
const PUBLISHERS = 4;

describe('npm start killed with SIGKILL while it fans out', () => {
  it('delivers every acknowledged publish to every subscription once, across 3 kill -9 restarts', async () => {
    const tableName = uniqueTableName();
    const server: CrashableServer = await startCrashableServer({
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      tableName,
    });
    cleanups.push(() => server.stop());
    const sqs = createRetryingClient(server.url, { maxAttempts: 8 });
    const sns = new SNSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 8,
      requestHandler: { requestTimeout: 15_000, throwOnRequestTimeout: true },
    });
    cleanups.push(async () => {
      sqs.destroy();
      sns.destroy();
    });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('crash') }));
    const fifoTopic = await sns.send(
      new CreateTopicCommand({ Name: `${uniqueName('crash')}.fifo`, Attributes: { FifoTopic: 'true' } }),
    );
    const queues: string[] = [];
    for (let i = 0; i < QUEUES; i++) {
      const queue = await createQueueWithArn(sqs, uniqueName(`crash${i}`));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn }));
      queues.push(queue.url);
    }
    const fifoQueue = await createQueueWithArn(sqs, `${uniqueName('crashfifo')}.fifo`, { FifoQueue: 'true' });
    await sns.send(
      new SubscribeCommand({
        TopicArn: fifoTopic.TopicArn,
        Protocol: 'sqs',
        Endpoint: fifoQueue.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );

    const acknowledged: string[] = [];
    const acknowledgedFifo: string[] = [];
    let running = true;
    const publishers = Array.from({ length: PUBLISHERS }, async (_, p) => {
      for (let i = 0; running; i++) {
        try {
          const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: `p${p}-m${i}` }));
          acknowledged.push(MessageId as string);
          const body = `f${p}-m${i}`;
          await sns.send(
            new PublishCommand({
              TopicArn: fifoTopic.TopicArn,
              Message: body,
              MessageGroupId: `g${p}`,
              MessageDeduplicationId: body,
            }),
          );
          acknowledgedFifo.push(body);
        } catch {
          // Unacknowledged (the server was down for every attempt): it may or may not arrive.
        }
      }
    });
    for (let restart = 0; restart < 3; restart++) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await server.kill9();
      await server.restart();
    }
    running = false;
    await Promise.all(publishers);

    // Publishes cut off by a kill are finished by the restarted server's recovery (lease 10 s, pass every 2 s).
    const deliveredIds = await Promise.all(
      queues.map(async (url) =>
        (await receiveAll(sqs, url, acknowledged.length, 45_000)).map(
          (m) => JSON.parse(m.Body as string).MessageId,
        ),
      ),
    );
    const late = await Promise.all(queues.map((url) => receiveFor(sqs, url, 3_000)));
    // A FIFO group gives nothing more while a batch of it is in flight: each batch is deleted as it comes.
    const fifoBodies = (await drainFifo(sqs, fifoQueue.url, acknowledgedFifo.length, 30_000)).map(
      (m) => m.Body as string,
    );

    // Records of publishes cut off without an answer are finished too, once their lease (10 s) ends.
    let leftover = await publishRecordsIn(tableName);
    for (const deadline = Date.now() + 25_000; leftover > 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      leftover = await publishRecordsIn(tableName);
    }

    expect(acknowledged.length).toBeGreaterThan(0);
    expect(leftover).toBe(0);
    for (const [i, ids] of deliveredIds.entries()) {
      const all = [...ids, ...(late[i] ?? []).map((m) => JSON.parse(m.Body as string).MessageId)];
      expect(all.filter((id) => acknowledged.includes(id)).sort()).toEqual([...acknowledged].sort());
      expect(new Set(all).size).toBe(all.length);
    }
    expect(fifoBodies.filter((body) => acknowledgedFifo.includes(body)).sort()).toEqual(
      [...acknowledgedFifo].sort(),
    );
    expect(new Set(fifoBodies).size).toBe(fifoBodies.length);
  }, 240_000);
});

/**
 * Receives and deletes until `count` messages came (then 2 s more, for any extra) or `deadlineMs` passed: the
 * FIFO queue's groups are locked while a batch of theirs is in flight.
 */
async function drainFifo(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  deadlineMs: number,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + deadlineMs;
  let quietUntil = Number.POSITIVE_INFINITY;
  while (Date.now() < Math.min(deadline, quietUntil)) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    messages.push(...Messages);
    if (Messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
    if (messages.length >= count && quietUntil === Number.POSITIVE_INFINITY) quietUntil = Date.now() + 2_000;
  }
  return messages;
}

/** Publish records still in the table: each is a publish whose delivery was never finished. */
async function publishRecordsIn(tableName: string): Promise<number> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
    }),
  );
  let count = 0;
  for (let shard = 0; shard < 4; shard++) {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PUB#${shard}` },
      }),
    );
    count += out.Count ?? 0;
  }
  client.destroy();
  return count;
}

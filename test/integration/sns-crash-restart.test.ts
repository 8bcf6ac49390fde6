import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
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
    const fifoBodies = [
      ...(await receiveAll(sqs, fifoQueue.url, acknowledgedFifo.length, 20_000)),
      ...(await receiveFor(sqs, fifoQueue.url, 2_000)),
    ].map((m) => m.Body as string);

    const leftover = await publishRecordsIn(tableName);

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

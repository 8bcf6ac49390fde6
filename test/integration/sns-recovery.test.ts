import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundHandler } from '../../lambda/entries/background.js';
import type { PublishRecord } from '../../lambda/topics/types.js';
import { useCapturedOutput } from '../helpers/captured-output.js';
import { lambdaContext } from '../helpers/http-api-shim.js';
import { createJsonClient } from '../helpers/json-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createQueueWithArn, createSnsClient, receiveAll, receiveFor, uniqueName } from '../helpers/sns.js';

let server: TestServer;
useCapturedOutput();
beforeAll(async () => {
  // As the Lambda functions run: nothing in the background, the scheduled job does the work.
  server = await startTestServer({ runMoveTasks: false });
});
afterAll(() => server.close());

/** A publish recorded and then cut off before any delivery, its lease run out: what a crash leaves behind. */
async function cutOffPublish(fifo: boolean) {
  const sns = createSnsClient(server.url);
  const sqs = createJsonClient(server.url);
  const suffix = fifo ? '.fifo' : '';
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({
      Name: uniqueName('cut') + suffix,
      ...(fifo ? { Attributes: { FifoTopic: 'true' } } : {}),
    }),
  );
  const queue = await createQueueWithArn(sqs, uniqueName('cut') + suffix, fifo ? { FifoQueue: 'true' } : {});
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const topics = server.service.topics;
  const topic = await topics.store.getTopic(String(TopicArn).split(':')[5] as string);
  if (topic === undefined) throw new Error('no topic');
  const [subscription] = await topics.engine.allSubscriptions(topic);
  const nowMs = Date.now();
  const record: PublishRecord = {
    topicName: topic.name,
    topicId: topic.id,
    notification: {
      messageId: randomUUID(),
      timestampMs: nowMs - 60_000,
      message: 'cut off',
      messageAttributes: {},
      serviceUrl: server.url,
      ...(fifo
        ? {
            messageGroupId: 'g',
            messageDeduplicationId: 'd',
            sequenceNumber: `${nowMs}0000000`.padStart(20, '0'),
          }
        : {}),
    },
    subscriptionIds: [subscription?.id as string],
    createdMs: nowMs - 60_000,
    leaseUntilMs: nowMs - 50_000,
    shard: 1,
  };
  await topics.store.recordPublish(record);
  return { sns, sqs, queue };
}

describe('the background job', () => {
  it.each([false, true])('delivers a publish cut off before its fan-out (FIFO: %s), once', async (fifo) => {
    const { sns, sqs, queue } = await cutOffPublish(fifo);
    const run = createBackgroundHandler({ createService: async () => server.service });

    await run({}, lambdaContext(60_000));
    await run({}, lambdaContext(60_000));
    const delivered = await receiveAll(sqs, queue.url, 1);
    const again = await receiveFor(sqs, queue.url, 500);

    expect(delivered.map((m) => m.Body)).toEqual(['cut off']);
    expect(again).toEqual([]);
    sns.destroy();
    sqs.destroy();
  });
});

import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.js';
import { sharedTestServer, startTestServer, type TestServer } from '../helpers/server.js';
import { createQueueWithArn, topicClients, uniqueName } from '../helpers/sns.js';

type TopicEntry = {
  name: string;
  arn: string;
  fifo: boolean;
  displayName: string;
  subscriptionCount: number;
};

type SubscriptionEntry = {
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
  queueName?: string;
  rawMessageDelivery: boolean;
  filterPolicy?: string;
  filterPolicyScope?: string;
  redrivePolicy?: string;
  deadLetterQueueName?: string;
};

const topicPath = (name: string) => `/topics/${encodeURIComponent(name)}`;

let openServer: TestServer;

beforeAll(async () => {
  openServer = await startTestServer({ auth: false });
});

afterAll(async () => {
  await openServer.close();
});

describe('console topics', () => {
  it('lists topics and shows a topic with its subscriptions and filter policies', async () => {
    const { url, sns, sqs } = await topicClients();
    const console = new ConsoleClient(url);
    const topicName = uniqueName('console-topic');
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: topicName, Attributes: { DisplayName: 'Orders' } }),
    );
    const queue = await createQueueWithArn(sqs, uniqueName('console-sub'));
    const deadLetter = await createQueueWithArn(sqs, uniqueName('console-dlq'));
    const filterPolicy = { kind: ['order'], total: [{ numeric: ['>', 100] }] };
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        ReturnSubscriptionArn: true,
        Attributes: {
          FilterPolicy: JSON.stringify(filterPolicy),
          RawMessageDelivery: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn }),
        },
      }),
    );
    const fifoName = `${uniqueName('console-topic')}.fifo`;
    await sns.send(new CreateTopicCommand({ Name: fifoName, Attributes: { FifoTopic: 'true' } }));

    const list = await console.get('/topics');
    expect(list.status).toBe(200);
    const topics = list.json.topics as TopicEntry[];
    expect(topics.find((t) => t.name === topicName)).toEqual({
      name: topicName,
      arn: TopicArn,
      fifo: false,
      displayName: 'Orders',
      subscriptionCount: 1,
      createdMs: expect.any(Number),
    });
    expect(topics.find((t) => t.name === fifoName)).toMatchObject({ fifo: true, subscriptionCount: 0 });

    const page = await console.get(topicPath(topicName));
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ name: topicName, arn: TopicArn, subscriptionCount: 1 });
    expect((page.json.attributes as Record<string, string>).DisplayName).toBe('Orders');
    const [subscription, ...others] = page.json.subscriptions as SubscriptionEntry[];
    expect(others).toEqual([]);
    expect(subscription).toMatchObject({
      subscriptionArn: SubscriptionArn,
      protocol: 'sqs',
      endpoint: queue.arn,
      queueName: queue.arn.split(':').pop(),
      rawMessageDelivery: true,
      filterPolicy: JSON.stringify(filterPolicy, null, 2),
      filterPolicyScope: 'MessageAttributes',
      deadLetterQueueName: deadLetter.arn.split(':').pop(),
    });
  });

  it('answers an unknown topic with 404 TopicNotFound', async () => {
    const { url } = await topicClients();
    const answer = await new ConsoleClient(url).get(topicPath(uniqueName('missing')));
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ error: { code: 'TopicNotFound', message: expect.any(String) } });
  });

  it.each([
    ['a name no topic can have', `/topics/${encodeURIComponent('no spaces allowed')}`, 404, 'TopicNotFound'],
    ['an 8 KB name', `/topics/${'x'.repeat(8_192)}`, 404, 'TopicNotFound'],
    ['a name with a colon', '/topics/a%3Ab', 404, 'TopicNotFound'],
    ['a lone surrogate', '/topics/%ED%A0%80', 400, 'InvalidParameterValue'],
    ['broken percent-encoding', '/topics/%E0%A4%A', 400, 'InvalidParameterValue'],
    ['a nested path', '/topics/a/b', 404, 'NotFound'],
  ])('answers %s with a JSON error', async (_label, path, status, code) => {
    // Raw, so the path reaches the server exactly as a hostile client sends it; auth off, so nothing is signed.
    const response = await fetch(`${openServer.url}/console/api${path}`);
    const text = await response.text();
    expect({ status: response.status, code: JSON.parse(text).error?.code }).toEqual({ status, code });
  });

  it('is read-only: a POST is 405', async () => {
    const { url } = await topicClients();
    const answer = await new ConsoleClient(url).post('/topics', { name: uniqueName('nope') });
    expect(answer.status).toBe(405);
  });

  it('shows a key only the topics whose names its console:Read patterns match', async () => {
    const { url, sns } = await topicClients();
    const prefix = uniqueName('scoped');
    await sns.send(new CreateTopicCommand({ Name: `${prefix}-mine` }));
    const other = uniqueName('other');
    await sns.send(new CreateTopicCommand({ Name: other }));
    const key = await (await sharedTestServer()).service.accessKeys?.create('topic-reader', [
      { actions: ['console:Read'], queues: [`${prefix}-*`] },
    ]);
    if (key === undefined) throw new Error('the shared test server runs without auth');
    const reader = new ConsoleClient(url, key);

    const list = await reader.get('/topics');
    const mine = await reader.get(topicPath(`${prefix}-mine`));
    const refused = await reader.get(topicPath(other));

    expect((list.json.topics as TopicEntry[]).map((t) => t.name)).toEqual([`${prefix}-mine`]);
    expect(mine.status).toBe(200);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ code: 'AccessDenied' });
  });
});

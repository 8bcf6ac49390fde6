import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createJsonClient } from '../helpers/json-client.js';
import { startTestServer, TEST_ACCOUNT_ID } from '../helpers/server.js';
import { createQueueWithArn, createSnsClient, receiveAll, topicClients, uniqueName } from '../helpers/sns.js';
import { snsFailure } from '../helpers/sns-failure.js';

async function topicAndQueue(options: { fifo?: boolean } = {}) {
  const { sns, sqs } = await topicClients();
  const suffix = options.fifo ? '.fifo' : '';
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({
      Name: uniqueName('topic') + suffix,
      ...(options.fifo ? { Attributes: { FifoTopic: 'true' } } : {}),
    }),
  );
  const queue = await createQueueWithArn(
    sqs,
    uniqueName('queue') + suffix,
    options.fifo ? { FifoQueue: 'true' } : {},
  );
  return { sns, sqs, topicArn: TopicArn as string, queue };
}

describe('Subscribe', () => {
  it('confirms a queue subscription at once and answers the same ARN for the same endpoint', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();

    const first = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    const again = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        ReturnSubscriptionArn: true,
      }),
    );
    const { Attributes } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: first.SubscriptionArn }),
    );
    const topic = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));

    expect(first.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    expect(again.SubscriptionArn).toBe(first.SubscriptionArn);
    expect(Attributes).toMatchObject({
      SubscriptionArn: first.SubscriptionArn,
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Owner: TEST_ACCOUNT_ID,
      PendingConfirmation: 'false',
      ConfirmationWasAuthenticated: 'true',
      RawMessageDelivery: 'false',
    });
    expect(topic.Attributes?.SubscriptionsConfirmed).toBe('1');
  });

  it('refuses the same endpoint with other attributes', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }));

    const error = await snsFailure(
      sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: { RawMessageDelivery: 'true' },
        }),
      ),
    );

    expect(error).toMatchObject({
      status: 400,
      message: 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
    });
  });

  it.each(['http', 'https', 'email', 'email-json', 'sms', 'application', 'lambda', 'firehose'])(
    'answers InvalidParameter for protocol %s',
    async (protocol) => {
      const { sns, topicArn } = await topicAndQueue();

      const error = await snsFailure(
        sns.send(
          new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: 'https://example.com/x' }),
        ),
      );

      expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    },
  );

  it('refuses unknown protocols, endpoints that are not our queues, and FIFO mismatches', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    const fifo = await topicAndQueue({ fifo: true });

    const protocol = await snsFailure(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'pigeon', Endpoint: queue.arn })),
    );
    const elsewhere = await snsFailure(
      sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:eu-west-1:123456789012:q',
        }),
      ),
    );
    const fifoQueueOnStandard = await snsFailure(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: fifo.queue.arn })),
    );
    const standardQueueOnFifo = await snsFailure(
      sns.send(new SubscribeCommand({ TopicArn: fifo.topicArn, Protocol: 'sqs', Endpoint: queue.arn })),
    );

    expect(protocol.message).toBe(
      'Invalid parameter: Amazon SNS does not support this protocol string: pigeon',
    );
    expect(elsewhere.message).toBe('Invalid parameter: SQS endpoint ARN');
    expect(fifoQueueOnStandard.message).toBe(
      'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
    );
    expect(standardQueueOnFifo.status).toBe(400);
  });

  it('refuses bad subscription attributes with SNS messages', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    const subscribe = (Attributes: Record<string, string>) =>
      snsFailure(
        sns.send(
          new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes }),
        ),
      );

    expect((await subscribe({ RawMessageDelivery: 'maybe' })).message).toBe(
      'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [maybe]. Must be true or false.',
    );
    expect((await subscribe({ FilterPolicy: '{not json' })).message).toBe(
      'Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.',
    );
    expect((await subscribe({ FilterPolicyScope: 'Body' })).message).toBe(
      'Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes',
    );
    expect((await subscribe({ RedrivePolicy: '{"deadLetterTargetArn":"nope"}' })).message).toBe(
      'Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn',
    );
  });
});

describe('SetSubscriptionAttributes and GetSubscriptionAttributes', () => {
  it('sets and shows the filter policy, its scope, raw delivery and the redrive policy', async () => {
    const { sns, sqs, topicArn, queue } = await topicAndQueue();
    const dlq = await createQueueWithArn(sqs, uniqueName('dlq'));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    const set = (AttributeName: string, AttributeValue: string) =>
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));

    await set('FilterPolicy', '{"store":["example_corp"]}');
    await set('FilterPolicyScope', 'MessageBody');
    await set('RawMessageDelivery', 'TRUE');
    await set('RedrivePolicy', JSON.stringify({ deadLetterTargetArn: dlq.arn }));
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    await set('FilterPolicy', '');
    const cleared = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));

    expect(Attributes).toMatchObject({
      FilterPolicy: '{"store":["example_corp"]}',
      FilterPolicyScope: 'MessageBody',
      RawMessageDelivery: 'true',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    expect(cleared.Attributes?.FilterPolicy).toBeUndefined();
  });

  it('answers NotFound for an unknown subscription and InvalidParameter for an unknown attribute', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );

    const unknown = await snsFailure(
      sns.send(
        new GetSubscriptionAttributesCommand({
          SubscriptionArn: `${topicArn}:00000000-0000-0000-0000-000000000000`,
        }),
      ),
    );
    const attribute = await snsFailure(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'Colour',
          AttributeValue: 'x',
        }),
      ),
    );
    const filter = await snsFailure(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '[1]',
        }),
      ),
    );

    expect(unknown).toMatchObject({
      name: 'NotFoundException',
      status: 404,
      message: 'Subscription does not exist',
    });
    expect(attribute).toMatchObject({ status: 400, message: 'Invalid parameter: AttributeName' });
    expect(filter).toMatchObject({
      status: 400,
      message: 'Invalid parameter: FilterPolicy: failed to parse JSON.',
    });
  });
});

describe('Unsubscribe and ConfirmSubscription', () => {
  it('removes a subscription; a second Unsubscribe succeeds too', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );

    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    const malformed = await snsFailure(sns.send(new UnsubscribeCommand({ SubscriptionArn: 'garbage' })));

    expect(listed.Subscriptions).toEqual([]);
    expect(malformed).toMatchObject({ status: 400, name: 'InvalidParameterException' });
  });

  it('answers InvalidParameter for any token, since no subscription here waits for one', async () => {
    const { sns, topicArn } = await topicAndQueue();

    const error = await snsFailure(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: 'abc' })),
    );

    expect(error).toMatchObject({ status: 400, message: 'Invalid parameter: Token' });
  });

  it('deleting a topic removes its subscriptions; a topic made again with its name has none', async () => {
    const { sns, topicArn, queue } = await topicAndQueue();
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }));

    await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    await sns.send(new CreateTopicCommand({ Name: topicArn.split(':')[5] }));
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));

    expect(listed.Subscriptions).toEqual([]);
  });
});

describe('the UnsubscribeURL of an envelope', () => {
  it('unsubscribes when followed, on a server without --auth', async () => {
    const server = await startTestServer({ auth: false });
    const sns = createSnsClient(server.url);
    const sqs = createJsonClient(server.url);
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('unsub') }));
      const queue = await createQueueWithArn(sqs, uniqueName('unsub'));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn }));
      await sns.send(new PublishCommand({ TopicArn, Message: 'bye' }));
      const [message] = await receiveAll(sqs, queue.url, 1);

      const followed = await fetch(JSON.parse(message?.Body ?? '{}').UnsubscribeURL);
      const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));

      expect(followed.status).toBe(200);
      expect(await followed.text()).toContain('<UnsubscribeResponse');
      expect(listed.Subscriptions).toEqual([]);
    } finally {
      sns.destroy();
      sqs.destroy();
      await server.close();
    }
  });
});

describe('ListSubscriptions and ListSubscriptionsByTopic', () => {
  it('pages 100 at a time over every topic', async () => {
    const { sns, sqs } = await topicClients();
    const topics: string[] = [];
    for (let t = 0; t < 3; t++) {
      topics.push((await sns.send(new CreateTopicCommand({ Name: uniqueName('many') }))).TopicArn as string);
    }
    const queue = await createQueueWithArn(sqs, uniqueName('base'));
    const expected = new Set<string>();
    for (let i = 0; i < 110; i++) {
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn: topics[i % 3],
          Protocol: 'sqs',
          Endpoint: `${queue.arn}-${i}`,
        }),
      );
      expected.add(SubscriptionArn as string);
    }

    const all: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sns.send(new ListSubscriptionsCommand({ NextToken }));
      expect(page.Subscriptions?.length ?? 0).toBeLessThanOrEqual(100);
      all.push(...(page.Subscriptions ?? []).map((s) => s.SubscriptionArn as string));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topics[0] }));

    expect(pages).toBeGreaterThan(1);
    expect(all.filter((arn) => expected.has(arn)).length).toBe(110);
    expect(new Set(all).size).toBe(all.length);
    expect(byTopic.Subscriptions?.length).toBe(37);
    expect(byTopic.Subscriptions?.[0]).toMatchObject({
      TopicArn: topics[0],
      Protocol: 'sqs',
      Owner: TEST_ACCOUNT_ID,
    });
  }, 90_000);
});

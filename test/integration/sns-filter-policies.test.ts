import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createQueueWithArn, receiveAll, receiveFor, topicClients, uniqueName } from '../helpers/sns.js';

/** A topic and one raw-delivery queue per filter policy. */
async function filteredQueues(
  policies: Record<string, { policy: object; scope?: 'MessageAttributes' | 'MessageBody' }>,
) {
  const { sns, sqs } = await topicClients();
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('filtered') }));
  const queues: Record<string, string> = {};
  for (const [name, { policy, scope }] of Object.entries(policies)) {
    const queue = await createQueueWithArn(sqs, uniqueName(name));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicy: JSON.stringify(policy),
          ...(scope ? { FilterPolicyScope: scope } : {}),
        },
      }),
    );
    queues[name] = queue.url;
  }
  return { sns, sqs, topicArn: TopicArn as string, queues };
}

const text = (value: string) => ({ DataType: 'String', StringValue: value });
const number = (value: number) => ({ DataType: 'Number', StringValue: String(value) });

describe('filter policies, end to end', () => {
  it('delivers a message only to the queues whose attribute-scope policy it matches', async () => {
    const { sns, sqs, topicArn, queues } = await filteredQueues({
      exact: { policy: { store: ['example_corp'] } },
      prefix: { policy: { event: [{ prefix: 'order_' }] } },
      range: { policy: { price: [{ numeric: ['>=', 100, '<', 200] }] } },
      notRed: { policy: { colour: [{ 'anything-but': ['red'] }] } },
      absent: { policy: { coupon: [{ exists: false }] } },
      network: { policy: { source: [{ cidr: '10.0.0.0/24' }] } },
      either: { policy: { $or: [{ store: ['other'] }, { price: [{ numeric: ['=', 5] }] }] } },
    });

    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'first',
        MessageAttributes: {
          store: text('example_corp'),
          event: text('order_placed'),
          price: number(150),
          colour: text('blue'),
          source: text('10.0.0.7'),
        },
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'second',
        MessageAttributes: {
          store: text('other'),
          colour: text('red'),
          coupon: text('yes'),
          price: number(5),
        },
      }),
    );
    const received = Object.fromEntries(
      await Promise.all(
        Object.entries(queues).map(async ([name, url]) => [
          name,
          (await receiveFor(sqs, url, 1_000)).map((m) => m.Body as string).sort(),
        ]),
      ),
    );

    expect(received).toEqual({
      exact: ['first'],
      prefix: ['first'],
      range: ['first'],
      notRed: ['first'],
      absent: ['first'],
      network: ['first'],
      either: ['second'],
    });
  });

  it('matches a body-scope policy against the JSON message, nested keys included', async () => {
    const { sns, sqs, topicArn, queues } = await filteredQueues({
      paid: { policy: { order: { status: ['paid'] } }, scope: 'MessageBody' },
      big: { policy: { total: [{ numeric: ['>', 1000] }] }, scope: 'MessageBody' },
    });

    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ order: { status: 'paid' }, total: 5 }),
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ order: { status: 'new' }, total: 5000 }),
      }),
    );
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'not json' }));
    const paid = await receiveAll(sqs, queues.paid as string, 1);
    const big = await receiveAll(sqs, queues.big as string, 1);
    const paidLater = await receiveFor(sqs, queues.paid as string, 1_000);

    expect(paid.map((m) => JSON.parse(m.Body as string).order.status)).toEqual(['paid']);
    expect(big.map((m) => JSON.parse(m.Body as string).total)).toEqual([5000]);
    expect(paidLater).toEqual([]);
  });

  it('refuses a policy SNS refuses, with its reason', async () => {
    const { sns, sqs } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('filtered') }));
    const queue = await createQueueWithArn(sqs, uniqueName('q'));
    const subscribe = (policy: object, scope = 'MessageAttributes') =>
      sns
        .send(
          new SubscribeCommand({
            TopicArn,
            Protocol: 'sqs',
            Endpoint: queue.arn,
            Attributes: { FilterPolicy: JSON.stringify(policy), FilterPolicyScope: scope },
          }),
        )
        .then(
          () => 'accepted',
          (error: Error) => error.message,
        );

    expect(await subscribe({ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] })).toBe(
      'Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys',
    );
    expect(await subscribe({ a: { b: ['x'] } })).toMatch(/nested filter policy/);
    expect(await subscribe({ a: { b: ['x'] } }, 'MessageBody')).toBe('accepted');
  });
});

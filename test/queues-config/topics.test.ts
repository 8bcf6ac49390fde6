import { describe, expect, it } from 'vitest';
import { readQueuesConfigFile } from '../../bin/queues-config-file.js';
import { QueuesConfigError } from '../../lambda/queues-config/schema.js';
import {
  parseSubscriptionDeclaration,
  parseTopicDeclaration,
  parseTopics,
} from '../../lambda/queues-config/topics.js';

const QUEUES = new Map([
  ['orders', { fifo: false }],
  ['audit', { fifo: false }],
  ['orders-dlq', { fifo: false }],
  ['payments.fifo', { fifo: true }],
  ['payments-dlq.fifo', { fifo: true }],
]);

/** The message parseTopics throws for `topics`, one line per issue. */
function problems(topics: unknown): string {
  try {
    parseTopics(topics, QUEUES);
  } catch (error) {
    expect(error).toBeInstanceOf(QueuesConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the topics to be rejected');
}

describe('parseTopics', () => {
  it('returns topics with SNS attributes and subscriptions with Subscribe attributes', () => {
    const topics = parseTopics(
      [
        {
          name: 'orders-events',
          fifo: false,
          displayName: 'Orders',
          signatureVersion: 2,
          tracingConfig: 'Active',
          tags: { team: 'shop' },
          subscriptions: [
            {
              queue: 'orders',
              rawMessageDelivery: true,
              filterPolicy: { type: ['created'] },
              filterPolicyScope: 'MessageAttributes',
              deadLetterQueue: 'orders-dlq',
            },
            { queue: 'audit' },
          ],
        },
        { name: 'payments.fifo', contentBasedDeduplication: true, fifoThroughputScope: 'MessageGroup' },
      ],
      QUEUES,
    );

    expect(topics).toEqual([
      {
        name: 'orders-events',
        fifo: false,
        attributes: { DisplayName: 'Orders', SignatureVersion: '2', TracingConfig: 'Active' },
        tags: { team: 'shop' },
        subscriptions: [
          {
            queue: 'orders',
            attributes: {
              RawMessageDelivery: 'true',
              FilterPolicy: '{"type":["created"]}',
              FilterPolicyScope: 'MessageAttributes',
            },
            deadLetterQueue: 'orders-dlq',
          },
          { queue: 'audit', attributes: {} },
        ],
      },
      {
        name: 'payments.fifo',
        fifo: true,
        attributes: {
          ContentBasedDeduplication: 'true',
          FifoThroughputScope: 'MessageGroup',
          FifoTopic: 'true',
        },
        subscriptions: [],
      },
    ]);
  });

  it('reads the example file examples/topics.json', async () => {
    const file = await readQueuesConfigFile('examples/topics.json');

    expect(file.topics.map((topic) => [topic.name, topic.subscriptions.map((s) => s.queue)])).toEqual([
      ['order-events', ['orders', 'shipping']],
      ['payments.fifo', ['ledger.fifo']],
    ]);
  });

  it('takes a file without topics', () => {
    expect(parseTopics(undefined, QUEUES)).toEqual([]);
  });

  it('names the topic and field of every problem at once', () => {
    const message = problems([
      { name: 'orders events', subscriptions: [] },
      { name: 'orders-events', fifo: true, displayName: 'x'.repeat(101), colour: 'red' },
    ]);

    expect(message.split('\n')).toEqual([
      'topics[0]: name must be 1 to 256 letters, digits, hyphens or underscores, ending in .fifo for a FIFO topic (within the 256), got "orders events"',
      "topic 'orders-events': colour is not a topic field; allowed: name, fifo, displayName, contentBasedDeduplication, signatureVersion, fifoThroughputScope, tracingConfig, tags, subscriptions",
      "topic 'orders-events': fifo is true, but a FIFO topic needs a name that ends in .fifo",
      `topic 'orders-events': displayName must be a string of up to 100 characters, got "${'x'.repeat(56)}...`,
    ]);
  });

  it('refuses FIFO-only settings on a standard topic and bad values', () => {
    const message = problems([
      {
        name: 'orders-events',
        contentBasedDeduplication: true,
        fifoThroughputScope: 'MessageGroup',
        signatureVersion: '3',
        tracingConfig: 'On',
      },
    ]);

    expect(message.split('\n')).toEqual([
      "topic 'orders-events': contentBasedDeduplication applies only to FIFO topics, whose names end in .fifo",
      'topic \'orders-events\': signatureVersion must be "1" or "2", got "3"',
      "topic 'orders-events': fifoThroughputScope applies only to FIFO topics, whose names end in .fifo",
      'topic \'orders-events\': tracingConfig must be "PassThrough" or "Active", got "On"',
    ]);
  });

  it('refuses subscriptions to queues the file does not declare, of the wrong type, or twice', () => {
    const message = problems([
      {
        name: 'orders-events',
        subscriptions: [
          { queue: 'missing' },
          { queue: 'payments.fifo' },
          { queue: 'audit' },
          { queue: 'audit' },
        ],
      },
      { name: 'payments.fifo', subscriptions: [{ queue: 'orders', deadLetterQueue: 'orders-dlq' }] },
    ]);

    expect(message.split('\n')).toEqual([
      `topic 'orders-events': subscriptions[0].queue names 'missing', which this file does not declare; declare it under queues too (a bare { "name": "missing" } leaves an existing queue as it is)`,
      "topic 'orders-events': subscriptions[1].queue names the FIFO queue 'payments.fifo'; a standard topic cannot deliver to FIFO queues",
      "topic 'orders-events': subscriptions[3].queue subscribes 'audit' again; a queue is subscribed to a topic once",
      "topic 'payments.fifo': subscriptions[0].queue names the Standard queue 'orders'; a FIFO topic delivers to FIFO queues only",
      "topic 'payments.fifo': subscriptions[0].deadLetterQueue names the Standard queue 'orders-dlq'; a FIFO subscription's dead-letter queue must be a FIFO queue",
    ]);
  });

  it("refuses a filter policy with SNS's own message, in the scope it is declared for", () => {
    const message = problems([
      {
        name: 'orders-events',
        subscriptions: [
          { queue: 'orders', filterPolicy: { type: [{ prefix: 5 }] } },
          { queue: 'audit', filterPolicy: { detail: { type: ['x'] } }, filterPolicyScope: 'Attributes' },
        ],
      },
    ]);

    const lines = message.split('\n');
    expect(lines[0]).toMatch(
      /^topic 'orders-events': subscriptions\[0\]\.filterPolicy is refused by SNS: Invalid parameter: /,
    );
    expect(lines[1]).toBe(
      `topic 'orders-events': subscriptions[1].filterPolicyScope must be "MessageAttributes" or "MessageBody", got "Attributes"`,
    );
  });

  it('takes a nested policy in body scope and refuses it in attribute scope', () => {
    const nested = { detail: { type: ['created'] } };

    const [topic] = parseTopics(
      [
        {
          name: 't',
          subscriptions: [{ queue: 'orders', filterPolicy: nested, filterPolicyScope: 'MessageBody' }],
        },
      ],
      QUEUES,
    );
    const message = problems([{ name: 't', subscriptions: [{ queue: 'orders', filterPolicy: nested }] }]);

    expect(topic?.subscriptions[0]?.attributes.FilterPolicyScope).toBe('MessageBody');
    expect(message).toMatch(/^topic 't': subscriptions\[0\]\.filterPolicy is refused by SNS: /);
  });

  it('answers hostile values with a problem, never a throw of another kind', () => {
    const hostile = [null, 42, 'x', [], { name: '\ud800' }, { name: 't', tags: { '\ud800': 'v' } }];
    for (const entry of hostile) {
      expect(() => parseTopics([entry], QUEUES)).toThrow(QueuesConfigError);
    }
    expect(() => parseTopics('topics', QUEUES)).toThrow(QueuesConfigError);
    expect(() =>
      parseTopics(
        [{ name: 't', subscriptions: [{ queue: 'orders', filterPolicy: { a: ['\ud800'] } }] }],
        QUEUES,
      ),
    ).not.toThrow(TypeError);
  });
});

describe('parseTopicDeclaration and parseSubscriptionDeclaration', () => {
  it('read what the CDK custom resources carry', () => {
    expect(parseTopicDeclaration({ name: 'orders-events', displayName: 'Orders' })).toEqual({
      name: 'orders-events',
      fifo: false,
      attributes: { DisplayName: 'Orders' },
      subscriptions: [],
    });
    expect(
      parseSubscriptionDeclaration({ topic: 'orders-events', queue: 'orders', rawMessageDelivery: false }),
    ).toEqual({ topic: 'orders-events', queue: 'orders', attributes: { RawMessageDelivery: 'false' } });
  });

  it('answer garbage, huge and deeply nested values with a QueuesConfigError', () => {
    let deep: unknown = ['x'];
    for (let i = 0; i < 2_000; i++) deep = { a: deep };
    const hostile: unknown[] = [
      { name: 't', displayName: 'x'.repeat(1_000_000) },
      { name: 't'.repeat(300) },
      { name: 't', tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'])) },
      { name: 't', subscriptions: 'orders' },
      { name: 't', signatureVersion: { $gt: 1 } },
    ];
    for (const json of hostile) expect(() => parseTopicDeclaration(json)).toThrow(QueuesConfigError);
    for (const filterPolicy of [deep, [], 'x', { a: 'x'.repeat(300_000) }]) {
      expect(() => parseSubscriptionDeclaration({ topic: 't', queue: 'q', filterPolicy })).toThrow(
        QueuesConfigError,
      );
    }
  });

  it('name what is wrong', () => {
    expect(() => parseSubscriptionDeclaration({ queue: 'orders' })).toThrow(
      /the subscription: topic is required/,
    );
    expect(() => parseSubscriptionDeclaration({ topic: 't.fifo', queue: 'orders' })).toThrow(
      /topic 't.fifo': subscription.queue names the Standard queue 'orders'/,
    );
  });
});

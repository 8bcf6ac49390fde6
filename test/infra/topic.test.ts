import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FifoThroughputScope, FilterOrPolicy, SubscriptionFilter, TracingConfig } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { type IQueueService, Queue } from '../../lib/queue.js';
import { QueueSubscription } from '../../lib/queue-subscription.js';
import { Topic } from '../../lib/topic.js';
import { SYNTH_TIMEOUT_MS } from './synth.js';

/** A service deployed elsewhere, as another app would name it. */
const SERVICE: IQueueService = {
  endpoint: 'https://sqs.example.com',
  accountId: '123456789012',
  region: 'eu-west-1',
  serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:queue-provider',
  metricsNamespace: 'DynamoSQS',
};

function newStack(): Stack {
  return new Stack(new App(), 'Topics');
}

/** The JSON a custom resource of `type` carries in `property`, for each such resource of the stack. */
function declarations(stack: Stack, type: string, property: string): Record<string, unknown>[] {
  return Object.values(Template.fromStack(stack).findResources(type)).map((resource) =>
    JSON.parse(resource.Properties[property]),
  );
}

describe('Topic', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('declares a standard topic with the attributes its props set, as the queues config file writes them', () => {
    const stack = newStack();

    const topic = new Topic(stack, 'OrderEvents', {
      service: SERVICE,
      topicName: 'order-events',
      displayName: 'Order events',
      signatureVersion: '2',
      tracingConfig: TracingConfig.ACTIVE,
      tags: { team: 'shop' },
    });

    expect(declarations(stack, 'Custom::SnsTopic', 'Topic')).toEqual([
      {
        name: 'order-events',
        displayName: 'Order events',
        signatureVersion: '2',
        tracingConfig: 'Active',
        tags: { team: 'shop' },
      },
    ]);
    expect(topic.topicArn).toBe('arn:aws:sns:eu-west-1:123456789012:order-events');
    Template.fromStack(stack).hasResource('Custom::SnsTopic', {
      Properties: { ServiceToken: SERVICE.serviceToken },
      DeletionPolicy: 'Delete',
    });
  });

  it('adds .fifo to a FIFO topic name as aws-sns does, and generates one when none is given', () => {
    const stack = newStack();

    const named = new Topic(stack, 'Payments', {
      service: SERVICE,
      topicName: 'payments',
      fifo: true,
      contentBasedDeduplication: true,
      fifoThroughputScope: FifoThroughputScope.MESSAGE_GROUP,
    });
    const generated = new Topic(stack, 'Refunds', { service: SERVICE, fifo: true });
    const plain = new Topic(stack, 'Audit', { service: SERVICE });

    expect(named.topicName).toBe('payments.fifo');
    expect(named.declaration.attributes).toEqual({
      ContentBasedDeduplication: 'true',
      FifoThroughputScope: 'MessageGroup',
      FifoTopic: 'true',
    });
    expect(generated.topicName).toMatch(/^Topics-Refunds-[A-Za-z0-9]+\.fifo$/);
    expect(plain.topicName).toMatch(/^Topics-Audit-[A-Za-z0-9]+$/);
    expect(plain.fifo).toBe(false);
  });

  it('keeps a retained topic when it leaves the stack', () => {
    const stack = newStack();

    new Topic(stack, 'Kept', { service: SERVICE, topicName: 'kept', removalPolicy: RemovalPolicy.RETAIN });

    Template.fromStack(stack).hasResource('Custom::SnsTopic', { DeletionPolicy: 'Retain' });
  });

  it.each([
    [
      { contentBasedDeduplication: true },
      'Content based deduplication can only be enabled for FIFO SNS topics.',
    ],
    [
      { fifoThroughputScope: FifoThroughputScope.TOPIC },
      '`fifoThroughputScope` can only be set for FIFO SNS topics.',
    ],
    [{ signatureVersion: '3' }, 'signatureVersion must be "1" or "2", received: "3"'],
    [{ displayName: 'x'.repeat(101) }, 'displayName must be less than or equal to 100 characters, got 101'],
    [{ topicName: 'orders events' }, 'topicName must be 1 to 256 letters, digits, hyphens or underscores'],
    [{ topicName: 'orders.fifo', fifo: false }, 'fifo is false, but a name ending in .fifo is a FIFO topic'],
    [
      { tags: { 'aws:team': 'x' } },
      'tags are refused by SNS: Invalid parameter: Tags Reason: Invalid tag key',
    ],
    [
      { displayName: 'lone \ud800 surrogate' },
      'attributes are refused by SNS: Invalid parameter: Attributes Reason: DisplayName',
    ],
  ])('refuses %j at synth, as aws-sns does', (props, message) => {
    const stack = newStack();

    expect(() => new Topic(stack, 'Bad', { service: SERVICE, ...props })).toThrow(message);
  });

  it('leaves values given as tokens to the deployment, but refuses a token topic name', () => {
    const stack = newStack();
    const version = new CfnParameter(stack, 'Version').valueAsString;
    const name = new CfnParameter(stack, 'Name').valueAsString;

    new Topic(stack, 'Signed', { service: SERVICE, topicName: 'signed', signatureVersion: version });

    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::SnsTopic'));
    expect(JSON.stringify(resource?.Properties.Topic)).toContain('{"Ref":"Version"}');
    expect(() => new Topic(stack, 'Named', { service: SERVICE, topicName: name })).toThrow(
      /topicName must be a literal string/,
    );
  });

  it('gives metrics in the service namespace by TopicName, and a failed-notifications alarm', () => {
    const stack = newStack();

    const topic = new Topic(stack, 'Orders', {
      service: SERVICE,
      topicName: 'orders',
      failedNotificationsAlarm: { threshold: 5, period: Duration.minutes(1) },
    });

    expect(stack.resolve(topic.metricNumberOfMessagesPublished().toMetricConfig().metricStat)).toMatchObject({
      namespace: 'DynamoSQS',
      metricName: 'NumberOfMessagesPublished',
      statistic: 'Sum',
      dimensions: [{ name: 'TopicName', value: 'orders' }],
    });
    for (const [metric, name] of [
      [topic.metricNumberOfNotificationsDelivered(), 'NumberOfNotificationsDelivered'],
      [topic.metricNumberOfNotificationsFailed(), 'NumberOfNotificationsFailed'],
      [topic.metricNumberOfNotificationsFilteredOut(), 'NumberOfNotificationsFilteredOut'],
    ] as const) {
      expect(metric.metricName).toBe(name);
    }
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DynamoSQS',
      MetricName: 'NumberOfNotificationsFailed',
      Dimensions: [{ Name: 'TopicName', Value: 'orders' }],
      Threshold: 5,
      Period: 60,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(() => topic.addFailedNotificationsAlarm()).toThrow(/has a failed-notifications alarm already/);
  });
});

describe('QueueSubscription', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('renders filterPolicy from SubscriptionFilter values as aws-sns does', () => {
    const stack = newStack();
    const topic = new Topic(stack, 'Orders', { service: SERVICE, topicName: 'order-events' });
    const queue = new Queue(stack, 'Shipping', { service: SERVICE, queueName: 'shipping' });
    const dlq = new Queue(stack, 'ShippingDlq', { service: SERVICE, queueName: 'shipping-dlq' });

    const subscription = topic.addSubscription(
      new QueueSubscription(queue, {
        rawMessageDelivery: true,
        filterPolicy: {
          type: SubscriptionFilter.stringFilter({ allowlist: ['created', 'paid'], matchPrefixes: ['ship-'] }),
          region: SubscriptionFilter.stringFilter({ denylist: ['eu-1'] }),
          total: SubscriptionFilter.numericFilter({ between: { start: 10, stop: 100 } }),
          gift: SubscriptionFilter.existsFilter(),
        },
        deadLetterQueue: dlq,
      }),
    );

    expect(declarations(stack, 'Custom::SnsSubscription', 'Subscription')).toEqual([
      {
        topic: 'order-events',
        queue: 'shipping',
        rawMessageDelivery: true,
        filterPolicy: {
          type: ['created', 'paid', { prefix: 'ship-' }],
          region: [{ 'anything-but': ['eu-1'] }],
          total: [{ numeric: ['>=', 10, '<=', 100] }],
          gift: [{ exists: true }],
        },
        deadLetterQueue: 'shipping-dlq',
      },
    ]);
    const template = Template.fromStack(stack);
    const [logicalId, resource] = Object.entries(template.findResources('Custom::SnsSubscription'))[0] ?? [];
    expect(resource?.DependsOn).toEqual(
      expect.arrayContaining([
        stack.getLogicalId(topic.resource.node.defaultChild as never),
        stack.getLogicalId(queue.resource.node.defaultChild as never),
        stack.getLogicalId(dlq.resource.node.defaultChild as never),
      ]),
    );
    expect(stack.resolve(subscription.subscriptionArn)).toEqual({ Ref: logicalId });
  });

  it('renders filterPolicyWithMessageBody as a body-scoped policy', () => {
    const stack = newStack();
    const topic = new Topic(stack, 'Orders', { service: SERVICE, topicName: 'order-events' });
    const queue = new Queue(stack, 'Big', { service: SERVICE, queueName: 'big-orders' });

    topic.addSubscription(
      new QueueSubscription(queue, {
        filterPolicyWithMessageBody: {
          order: FilterOrPolicy.policy({
            total: FilterOrPolicy.filter(SubscriptionFilter.numericFilter({ greaterThan: 100 })),
          }),
        },
      }),
    );

    expect(declarations(stack, 'Custom::SnsSubscription', 'Subscription')).toEqual([
      {
        topic: 'order-events',
        queue: 'big-orders',
        filterPolicy: { order: { total: [{ numeric: ['>', 100] }] } },
        filterPolicyScope: 'MessageBody',
      },
    ]);
  });

  it('subscribes a FIFO queue to a FIFO topic, and a queue named by Queue.fromQueueName', () => {
    const stack = newStack();
    const topic = new Topic(stack, 'Payments', { service: SERVICE, topicName: 'payments', fifo: true });
    const queue = new Queue(stack, 'Ledger', { service: SERVICE, queueName: 'ledger.fifo' });
    const other = Queue.fromQueueName({ service: SERVICE, queueName: 'audit.fifo' });

    topic.addSubscription(new QueueSubscription(queue));
    topic.addSubscription(new QueueSubscription(other));

    expect(declarations(stack, 'Custom::SnsSubscription', 'Subscription')).toEqual(
      expect.arrayContaining([
        { topic: 'payments.fifo', queue: 'ledger.fifo' },
        { topic: 'payments.fifo', queue: 'audit.fifo' },
      ]),
    );
  });

  it.each([
    [
      'a FIFO queue on a standard topic',
      'standard',
      'q.fifo',
      {},
      'a standard topic cannot deliver to FIFO queues',
    ],
    ['a Standard queue on a FIFO topic', 'fifo', 'q', {}, 'a FIFO topic delivers to FIFO queues only'],
    [
      'more than 5 attributes',
      'standard',
      'q',
      {
        filterPolicy: Object.fromEntries(
          'abcdef'.split('').map((k) => [k, SubscriptionFilter.existsFilter()]),
        ),
      },
      'A filter policy can have a maximum of 5 attribute names.',
    ],
    [
      'more than 150 combinations',
      'standard',
      'q',
      {
        filterPolicy: {
          a: SubscriptionFilter.stringFilter({ allowlist: Array.from({ length: 13 }, (_, i) => `a${i}`) }),
          b: SubscriptionFilter.stringFilter({ allowlist: Array.from({ length: 12 }, (_, i) => `b${i}`) }),
        },
      },
      'The total combination of values (156) must not exceed 150.',
    ],
    [
      'a policy SNS refuses',
      'standard',
      'q',
      { filterPolicy: { a: SubscriptionFilter.numericFilter({ between: { start: 100, stop: 10 } }) } },
      'filterPolicy is refused by SNS: Invalid parameter: FilterPolicy: Bottom must be less than top',
    ],
  ])('refuses %s at synth', (_, kind, queueName, props, message) => {
    const stack = newStack();
    const topic = new Topic(stack, 'T', { service: SERVICE, topicName: 't', fifo: kind === 'fifo' });
    const queue = new Queue(stack, 'Q', { service: SERVICE, queueName });

    expect(() => topic.addSubscription(new QueueSubscription(queue, props))).toThrow(message);
  });

  it('subscribes queues of this app to a topic of another app, named with Topic.fromTopicName', () => {
    const stack = newStack();
    const topic = Topic.fromTopicName({ service: SERVICE, topicName: 'order-events' });
    const queue = new Queue(stack, 'Billing', { service: SERVICE, queueName: 'billing' });

    const subscription = topic.addSubscription(new QueueSubscription(queue, { rawMessageDelivery: true }));

    expect(topic.topicArn).toBe('arn:aws:sns:eu-west-1:123456789012:order-events');
    expect(subscription.node.path).toBe('Topics/Billing/Topic-order-events');
    expect(declarations(stack, 'Custom::SnsSubscription', 'Subscription')).toEqual([
      { topic: 'order-events', queue: 'billing', rawMessageDelivery: true },
    ]);
    expect(() =>
      topic.addSubscription(
        new QueueSubscription(Queue.fromQueueName({ service: SERVICE, queueName: 'audit' })),
      ),
    ).toThrow(/subscribes queues of this app \(a Queue construct\), not the queue name 'audit'/);
  });

  it('refuses a queue of another service and a queue subscribed twice', () => {
    const stack = newStack();
    const topic = new Topic(stack, 'T', { service: SERVICE, topicName: 't' });
    const queue = new Queue(stack, 'Q', { service: SERVICE, queueName: 'q' });
    const foreign = new Queue(stack, 'F', { service: { ...SERVICE }, queueName: 'f' });
    topic.addSubscription(new QueueSubscription(queue));

    expect(() => topic.addSubscription(new QueueSubscription(queue))).toThrow(/'q' is subscribed already/);
    expect(() => topic.addSubscription(new QueueSubscription(foreign))).toThrow(/belongs to another service/);
  });
});

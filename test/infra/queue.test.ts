import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DeduplicationScope,
  FifoThroughputLimit,
  type IQueueService,
  Queue,
  RedrivePermission,
} from '../../lib/queue.js';
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
  return new Stack(new App(), 'Queues');
}

/** The declaration the custom resource of `queue` receives, parsed back from its `Queue` property. */
function declarationOf(stack: Stack, queue: Queue): Record<string, unknown> {
  const template = Template.fromStack(stack).toJSON();
  const logicalId = stack.getLogicalId(queue.resource.node.defaultChild as never);
  return JSON.parse(template.Resources[logicalId].Properties.Queue);
}

describe('Queue', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('declares a Standard queue with the attributes its props set, as the queues config file writes them', () => {
    const stack = newStack();

    const queue = new Queue(stack, 'Orders', {
      service: SERVICE,
      queueName: 'orders',
      visibilityTimeout: Duration.minutes(1),
      receiveMessageWaitTime: Duration.seconds(20),
      tags: { team: 'shop' },
    });

    expect(declarationOf(stack, queue)).toEqual({
      name: 'orders',
      attributes: { VisibilityTimeout: '60', ReceiveMessageWaitTimeSeconds: '20' },
      tags: { team: 'shop' },
    });
    Template.fromStack(stack).hasResource('Custom::SqsQueue', {
      Properties: { ServiceToken: SERVICE.serviceToken },
      DeletionPolicy: 'Delete',
    });
  });

  it('declares no attributes and no tags when no prop sets them', () => {
    const stack = newStack();

    const queue = new Queue(stack, 'Orders', { service: SERVICE, queueName: 'orders' });

    expect(declarationOf(stack, queue)).toEqual({ name: 'orders', attributes: {} });
  });

  it('declares a FIFO queue with its FIFO attributes', () => {
    const stack = newStack();

    const queue = new Queue(stack, 'Payments', {
      service: SERVICE,
      queueName: 'payments.fifo',
      contentBasedDeduplication: true,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      deliveryDelay: Duration.seconds(5),
      retentionPeriod: Duration.days(14),
      maxMessageSizeBytes: 2048,
    });

    expect(queue.fifo).toBe(true);
    expect(declarationOf(stack, queue).attributes).toEqual({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      MessageRetentionPeriod: '1209600',
      DelaySeconds: '5',
      MaximumMessageSize: '2048',
    });
  });

  it('gives its URL and ARN as the service answers them', () => {
    const queue = new Queue(newStack(), 'Orders', { service: SERVICE, queueName: 'orders' });

    expect(queue.queueName).toBe('orders');
    expect(queue.queueUrl).toBe('https://sqs.example.com/123456789012/orders');
    expect(queue.queueArn).toBe('arn:aws:sqs:eu-west-1:123456789012:orders');
    expect(queue.fifo).toBe(false);
  });

  it('keeps the queue when the removal policy says so', () => {
    const stack = newStack();

    new Queue(stack, 'Orders', {
      service: SERVICE,
      queueName: 'orders',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Template.fromStack(stack).hasResource('Custom::SqsQueue', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  describe('without a queueName', () => {
    it('makes a unique name of at most 80 characters from the construct path', () => {
      const stack = new Stack(new App(), 'AStackWithAVeryLongNameThatKeepsGoingAndGoingAndGoingOnAndOnAndOn');

      const one = new Queue(stack, 'WorkQueueWithAnEquallyLongConstructIdThatWouldNotFitInEightyCharacters', {
        service: SERVICE,
      });
      const other = new Queue(stack, 'Other', { service: SERVICE });

      expect(one.queueName.length).toBeLessThanOrEqual(80);
      expect(one.queueName).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(one.queueName).not.toBe(other.queueName);
      expect(declarationOf(stack, one).name).toBe(one.queueName);
    });

    it('ends the name in .fifo for a FIFO queue, also when only a FIFO prop says so', () => {
      const stack = newStack();

      const explicit = new Queue(stack, 'Explicit', { service: SERVICE, fifo: true });
      const implied = new Queue(stack, 'Implied', { service: SERVICE, contentBasedDeduplication: true });

      expect(explicit.queueName).toMatch(/^[A-Za-z0-9_-]+\.fifo$/);
      expect(explicit.queueName.length).toBeLessThanOrEqual(80);
      expect(implied.fifo).toBe(true);
      expect(implied.queueName).toMatch(/\.fifo$/);
    });
  });

  describe('deadLetterQueue', () => {
    it('names the dead-letter queue in the declaration and creates the queue after it', () => {
      const stack = newStack();
      const dlq = new Queue(stack, 'OrdersDlq', { service: SERVICE, queueName: 'orders-dlq' });

      const queue = new Queue(stack, 'Orders', {
        service: SERVICE,
        queueName: 'orders',
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      });

      expect(declarationOf(stack, queue).deadLetterQueue).toEqual({ name: 'orders-dlq', maxReceiveCount: 5 });
      const template = Template.fromStack(stack).toJSON();
      const queueId = stack.getLogicalId(queue.resource.node.defaultChild as never);
      const dlqId = stack.getLogicalId(dlq.resource.node.defaultChild as never);
      expect(template.Resources[queueId].DependsOn).toEqual([dlqId]);
      expect(queue.deadLetterQueueAlarm).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    });

    it('alarms, without actions, when at least one message waits in the dead-letter queue', () => {
      const stack = newStack();
      const dlq = new Queue(stack, 'OrdersDlq', { service: SERVICE, queueName: 'orders-dlq' });

      const queue = new Queue(stack, 'Orders', {
        service: SERVICE,
        queueName: 'orders',
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5, alarm: true },
      });

      expect(queue.deadLetterQueueAlarm).toBeDefined();
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'DynamoSQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'orders-dlq' }],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        Period: 300,
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.absent(),
      });
    });

    it('takes the alarm props it is given', () => {
      const stack = newStack();
      const dlq = new Queue(stack, 'OrdersDlq', { service: SERVICE, queueName: 'orders-dlq' });

      new Queue(stack, 'Orders', {
        service: SERVICE,
        queueName: 'orders',
        deadLetterQueue: {
          queue: dlq,
          maxReceiveCount: 5,
          alarm: {
            threshold: 10,
            evaluationPeriods: 3,
            period: Duration.minutes(1),
            alarmName: 'orders-dlq-depth',
          },
        },
      });

      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'orders-dlq-depth',
        Threshold: 10,
        EvaluationPeriods: 3,
        Period: 60,
      });
    });
  });

  it('lets only the listed source queues use it as their dead-letter queue', () => {
    const stack = newStack();
    const source = Queue.fromQueueName({ service: SERVICE, queueName: 'orders' });

    const dlq = new Queue(stack, 'OrdersDlq', {
      service: SERVICE,
      queueName: 'orders-dlq',
      redriveAllowPolicy: { sourceQueues: [source] },
    });

    expect(JSON.parse(redriveAllowPolicyOf(stack, dlq))).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: ['arn:aws:sqs:eu-west-1:123456789012:orders'],
    });
  });

  it('offers the per-queue metrics of the service namespace, with aws-sqs statistics', () => {
    const queue = new Queue(newStack(), 'Orders', { service: SERVICE, queueName: 'orders' });

    const metrics = {
      sent: queue.metricNumberOfMessagesSent(),
      received: queue.metricNumberOfMessagesReceived(),
      deleted: queue.metricNumberOfMessagesDeleted(),
      empty: queue.metricNumberOfEmptyReceives(),
      size: queue.metricSentMessageSize(),
      moved: queue.metricNumberOfMessagesMovedToDeadLetterQueue(),
      visible: queue.metricApproximateNumberOfMessagesVisible(),
      notVisible: queue.metricApproximateNumberOfMessagesNotVisible(),
      delayed: queue.metricApproximateNumberOfMessagesDelayed(),
      age: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
    };

    expect(
      Object.fromEntries(Object.entries(metrics).map(([key, m]) => [key, `${m.metricName} ${m.statistic}`])),
    ).toEqual({
      sent: 'NumberOfMessagesSent Sum',
      received: 'NumberOfMessagesReceived Sum',
      deleted: 'NumberOfMessagesDeleted Sum',
      empty: 'NumberOfEmptyReceives Sum',
      size: 'SentMessageSize Average',
      moved: 'NumberOfMessagesMovedToDeadLetterQueue Sum',
      visible: 'ApproximateNumberOfMessagesVisible Maximum',
      notVisible: 'ApproximateNumberOfMessagesNotVisible Maximum',
      delayed: 'ApproximateNumberOfMessagesDelayed Maximum',
      age: 'ApproximateAgeOfOldestMessage Maximum',
    });
    for (const metric of Object.values(metrics)) {
      expect(metric.namespace).toBe('DynamoSQS');
      expect(metric.dimensions).toEqual({ QueueName: 'orders' });
    }
    expect(metrics.age.period.toMinutes()).toBe(1);
    expect(metrics.sent.period.toMinutes()).toBe(5);
  });
});

function redriveAllowPolicyOf(stack: Stack, queue: Queue): string {
  return (declarationOf(stack, queue).attributes as Record<string, string>).RedriveAllowPolicy ?? '';
}

describe('Queue validation at synth time', { timeout: SYNTH_TIMEOUT_MS }, () => {
  const invalid: [string, () => Parameters<typeof newQueue>[0], RegExp][] = [
    [
      'fifo: true with a name not ending in .fifo',
      () => ({ queueName: 'orders', fifo: true }),
      /queue 'orders': fifo is true, but a FIFO queue needs a name that ends in \.fifo/,
    ],
    [
      'a name ending in .fifo with fifo: false',
      () => ({ queueName: 'orders.fifo', fifo: false }),
      /queue 'orders\.fifo': fifo is false, but a name ending in \.fifo is a FIFO queue/,
    ],
    [
      'a name with characters SQS refuses',
      () => ({ queueName: 'orders/eu' }),
      /queueName must be 1 to 80 letters, digits, hyphens or underscores, ending in \.fifo for a FIFO queue, got "orders\/eu"/,
    ],
    [
      'a visibility timeout over 12 hours',
      () => ({ queueName: 'orders', visibilityTimeout: Duration.hours(13) }),
      /queue 'orders': visibilityTimeout must be an integer from 0 to 43200 \(seconds\), got "46800"/,
    ],
    [
      'a retention period under a minute',
      () => ({ queueName: 'orders', retentionPeriod: Duration.seconds(30) }),
      /retentionPeriod must be an integer from 60 to 1209600 \(seconds\), got "30"/,
    ],
    [
      'a delivery delay over 15 minutes',
      () => ({ queueName: 'orders', deliveryDelay: Duration.minutes(16) }),
      /deliveryDelay must be an integer from 0 to 900 \(seconds\), got "960"/,
    ],
    [
      'a receive wait time of a fraction of a second',
      () => ({ queueName: 'orders', receiveMessageWaitTime: Duration.millis(1500) }),
      /receiveMessageWaitTime must be an integer from 0 to 20 \(seconds\), got "1\.5"/,
    ],
    [
      'a maximum message size over 1 MiB',
      () => ({ queueName: 'orders', maxMessageSizeBytes: 2_000_000 }),
      /maxMessageSizeBytes must be an integer from 1024 to 1048576 \(bytes\), got "2000000"/,
    ],
    [
      'content-based deduplication on a Standard queue',
      () => ({ queueName: 'orders', fifo: false, contentBasedDeduplication: true }),
      /contentBasedDeduplication applies only to FIFO queues/,
    ],
    [
      'a per-group throughput limit with queue-wide deduplication',
      () => ({ queueName: 'orders.fifo', fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID }),
      /fifoThroughputLimit is 'perMessageGroupId', which needs deduplicationScope 'messageGroup' too/,
    ],
    [
      'byQueue without source queues',
      () => ({ queueName: 'orders', redriveAllowPolicy: { redrivePermission: RedrivePermission.BY_QUEUE } }),
      /redriveAllowPolicy must be a JSON object whose redrivePermission is/,
    ],
  ];

  it.each(invalid)('rejects %s, saying what was given and what is allowed', (_case, props, message) => {
    expect(() => newQueue(props())).toThrow(message);
  });

  it('reports every wrong prop at once', () => {
    expect(() =>
      newQueue({
        queueName: 'orders',
        visibilityTimeout: Duration.days(1),
        deliveryDelay: Duration.hours(1),
      }),
    ).toThrow(/visibilityTimeout must be .*\n.*deliveryDelay must be/);
  });

  it('rejects a queue name known only at deployment', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'QueueName').valueAsString;

    expect(() => new Queue(stack, 'Queue', { service: SERVICE, queueName: name })).toThrow(
      /queueName must be a literal string, not a token resolved at deployment/,
    );
  });

  it('rejects a Standard dead-letter queue for a FIFO queue', () => {
    const stack = newStack();
    const dlq = new Queue(stack, 'Dlq', { service: SERVICE, queueName: 'payments-dlq' });

    expect(
      () =>
        new Queue(stack, 'Payments', {
          service: SERVICE,
          queueName: 'payments.fifo',
          deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
        }),
    ).toThrow(
      /queue 'payments\.fifo': deadLetterQueue\.queue names the Standard queue 'payments-dlq'; a FIFO queue's dead-letter queue must be a FIFO queue/,
    );
  });

  it('rejects a dead-letter queue whose redrive allow policy refuses the queue', () => {
    const stack = newStack();
    const dlq = new Queue(stack, 'Dlq', {
      service: SERVICE,
      queueName: 'orders-dlq',
      redriveAllowPolicy: { redrivePermission: RedrivePermission.DENY_ALL },
    });

    expect(
      () =>
        new Queue(stack, 'Orders', {
          service: SERVICE,
          queueName: 'orders',
          deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
        }),
    ).toThrow(
      /deadLetterQueue\.queue names 'orders-dlq', whose RedriveAllowPolicy lets no queue use it \(denyAll\)/,
    );
  });

  it('rejects a maxReceiveCount outside 1 to 1,000', () => {
    const stack = newStack();
    const dlq = new Queue(stack, 'Dlq', { service: SERVICE, queueName: 'orders-dlq' });

    expect(
      () =>
        new Queue(stack, 'Orders', {
          service: SERVICE,
          queueName: 'orders',
          deadLetterQueue: { queue: dlq, maxReceiveCount: 0 },
        }),
    ).toThrow(/deadLetterQueue\.maxReceiveCount must be an integer from 1 to 1000, got 0/);
  });

  it('rejects a dead-letter queue of another service', () => {
    const stack = newStack();
    const other = { ...SERVICE, serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:other' };
    const dlq = new Queue(stack, 'Dlq', { service: other, queueName: 'orders-dlq' });

    expect(
      () =>
        new Queue(stack, 'Orders', {
          service: SERVICE,
          queueName: 'orders',
          deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
        }),
    ).toThrow(/deadLetterQueue\.queue 'orders-dlq' belongs to another service/);
  });
});

function newQueue(props: Omit<ConstructorParameters<typeof Queue>[2], 'service'>): Queue {
  return new Queue(newStack(), 'Queue', { service: SERVICE, ...props });
}

import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import { type FaultyService, startFaultyService } from '../helpers/fault-service.js';
import { createQueueWithArn, createSnsClient, receiveAll, receiveFor, uniqueName } from '../helpers/sns.js';

let stack: FaultyService;
let sns: SNSClient;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
  sns = createSnsClient(stack.url, { maxAttempts: 6 });
});
afterEach(() => stack.proxy.clear());
afterAll(async () => {
  sns.destroy();
  await stack.close();
});

const partitionOf = (body: DynamoRequest) => String(body.Item?.pk?.S ?? body.Key?.pk?.S ?? '');
const isTopicItem = (body: DynamoRequest) => partitionOf(body).startsWith('TOPIC#');
const isSubscriptionItem = (body: DynamoRequest) => partitionOf(body).startsWith('SUB#');
const isPublishRecord = (body: DynamoRequest) => partitionOf(body).startsWith('PUB#');
const isDelivery = (body: DynamoRequest) =>
  Object.values(body.RequestItems ?? {}).some((requests) =>
    (requests as DynamoRequest[]).some((r) => String(r.PutRequest?.Item?.pk?.S ?? '').startsWith('T#')),
  );
const isFifoPublish = (body: DynamoRequest) =>
  (body.TransactItems ?? []).some((item: DynamoRequest) =>
    String(item.Put?.Item?.pk?.S ?? '').startsWith('TD#'),
  );

const outcomeOf = (call: Promise<unknown>) =>
  call.then(
    () => 'ok',
    (error: { name?: string }) => error.name ?? 'error',
  );

async function topicWithQueue(options: { fifo?: boolean } = {}) {
  const suffix = options.fifo ? '.fifo' : '';
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({
      Name: uniqueName('ft') + suffix,
      ...(options.fifo ? { Attributes: { FifoTopic: 'true' } } : {}),
    }),
  );
  const queue = await createQueueWithArn(
    stack.sqs,
    uniqueName('fq') + suffix,
    options.fifo ? { FifoQueue: 'true' } : {},
  );
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { topicArn: TopicArn as string, queue, subscriptionArn: SubscriptionArn as string };
}

/** The queue holds exactly these bodies: nothing lost, nothing twice. */
async function expectExactly(queueUrl: string, bodies: string[]) {
  const received = await receiveAll(stack.sqs, queueUrl, bodies.length, 10_000);
  const extra = await receiveFor(stack.sqs, queueUrl, 500);
  expect([...received, ...extra].map((m) => m.Body).sort()).toEqual([...bodies].sort());
}

describe('topic writes under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('CreateTopic creates the topic once when its write meets %s', async (fault) => {
    const name = uniqueName('ct');
    const armed = stack.proxy.next({ op: 'PutItem', when: isTopicItem, fault });

    const outcome = await outcomeOf(
      sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'd' } })),
    );
    const again = await outcomeOf(
      sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'd' } })),
    );

    expect(armed.hasFired()).toBe(true);
    expect([outcome, again]).toEqual(['ok', 'ok']);
  });

  it.each(INSTANT_FAULTS)('SetTopicAttributes applies when its write meets %s', async (fault) => {
    const { topicArn } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'UpdateItem', when: isTopicItem, fault });

    const outcome = await outcomeOf(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: 'DisplayName',
          AttributeValue: 'new',
        }),
      ),
    );
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(Attributes?.DisplayName).toBe('new');
  });

  it.each(INSTANT_FAULTS)(
    'DeleteTopic deletes the topic and its subscriptions when its delete meets %s',
    async (fault) => {
      const { topicArn } = await topicWithQueue();
      const armed = stack.proxy.next({ op: 'DeleteItem', when: isTopicItem, fault });

      const outcome = await outcomeOf(sns.send(new DeleteTopicCommand({ TopicArn: topicArn })));
      const lookup = await outcomeOf(sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })));

      expect(armed.hasFired()).toBe(true);
      expect(outcome).toBe('ok');
      expect(lookup).toBe('NotFoundException');
    },
  );
});

describe('subscription writes under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('Subscribe subscribes once when its write meets %s', async (fault) => {
    const { topicArn } = await topicWithQueue();
    const queue = await createQueueWithArn(stack.sqs, uniqueName('sq'));
    const armed = stack.proxy.next({ op: 'PutItem', when: isSubscriptionItem, fault });

    const outcome = await outcomeOf(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn })),
    );
    const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(Subscriptions?.filter((s) => s.Endpoint === queue.arn)).toHaveLength(1);
  });

  it.each(INSTANT_FAULTS)('SetSubscriptionAttributes applies when its write meets %s', async (fault) => {
    const { subscriptionArn } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'UpdateItem', when: isSubscriptionItem, fault });

    const outcome = await outcomeOf(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: subscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"a":["b"]}',
        }),
      ),
    );
    const { Attributes } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
    );

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(Attributes?.FilterPolicy).toBe('{"a":["b"]}');
  });

  it.each(INSTANT_FAULTS)('Unsubscribe removes the subscription when its delete meets %s', async (fault) => {
    const { topicArn, subscriptionArn } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'DeleteItem', when: isSubscriptionItem, fault });

    const outcome = await outcomeOf(sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })));
    const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(Subscriptions).toEqual([]);
  });
});

describe('Publish under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('delivers once when the publish record write meets %s', async (fault) => {
    const { topicArn, queue } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'PutItem', when: isPublishRecord, fault });

    const outcome = await outcomeOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: `record ${fault}` })),
    );

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    await expectExactly(queue.url, [`record ${fault}`]);
  });

  it.each(INSTANT_FAULTS)('delivers once when the delivery to the queue meets %s', async (fault) => {
    const { topicArn, queue } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'BatchWriteItem', when: isDelivery, fault });

    const outcome = await outcomeOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: `fan-out ${fault}` })),
    );

    expect(armed.hasFired()).toBe(true);
    // A lost answer the store cannot resolve is left to recovery: acknowledged, and delivered once.
    expect(outcome).toBe('ok');
    await expectExactly(queue.url, [`fan-out ${fault}`]);
  });

  it.each(INSTANT_FAULTS)('delivers once when the removal of the publish record meets %s', async (fault) => {
    const { topicArn, queue } = await topicWithQueue();
    const armed = stack.proxy.next({ op: 'DeleteItem', when: isPublishRecord, fault });

    const outcome = await outcomeOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: `finish ${fault}` })),
    );

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    await expectExactly(queue.url, [`finish ${fault}`]);
  });

  it.each(INSTANT_FAULTS)(
    'a FIFO publish and its retry deliver once when the record meets %s',
    async (fault) => {
      const { topicArn, queue } = await topicWithQueue({ fifo: true });
      const armed = stack.proxy.next({ op: 'TransactWriteItems', when: isFifoPublish, fault });
      const publish = () =>
        sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: `fifo ${fault}`,
            MessageGroupId: 'g',
            MessageDeduplicationId: 'once',
          }),
        );

      const first = await publish();
      const retried = await publish();

      expect(armed.hasFired()).toBe(true);
      expect(retried.MessageId).toBe(first.MessageId);
      await expectExactly(queue.url, [`fifo ${fault}`]);
    },
  );
});

describe('a publish whose record outlives its delivery', () => {
  it('is finished by recovery, which finds the delivery made and delivers nothing twice', async () => {
    const { topicArn, queue } = await topicWithQueue();
    // Every attempt to remove the record fails: the publish answers, the record stays for recovery.
    const armed = Array.from({ length: 12 }, () =>
      stack.proxy.next({ op: 'DeleteItem', when: isPublishRecord, fault: 'fail-500' }),
    );

    const outcome = await outcomeOf(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'left behind' })),
    );
    const recovered = await waitForRecovery();

    expect(armed[0]?.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(recovered).toBe(true);
    await expectExactly(queue.url, ['left behind']);
  }, 60_000);
});

/**
 * Runs recovery passes until no publish record is left: this pass or the server's own recovery timer (every
 * 2 s) finishes it, whichever takes its lease first; the lease is 10 s. True once none is left.
 */
async function waitForRecovery(): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    stack.proxy.clear();
    await stack.service.topics.recovery.runOnce();
    const left = await stack.service.topics.store.listAbandonedPublishes(Date.now() + 3_600_000, 10);
    if (left.length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

import { randomUUID } from 'node:crypto';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { useCapturedOutput } from '../helpers/captured-output.js';
import { createJsonClient } from '../helpers/json-client.js';
import { startTestServer, TEST_ACCOUNT_ID, TEST_REGION, type TestServer } from '../helpers/server.js';
import { createSnsClient } from '../helpers/sns.js';

let server: TestServer;
let sqs: SQSClient;
let sns: SNSClient;
const output = useCapturedOutput();
// The queue resource function's own handler: topics and subscriptions come through the same provider.
const onEvent = createQueueResourceHandler({ createService: async () => server.service });

beforeAll(async () => {
  server = await startTestServer({ runMoveTasks: false });
  sqs = createJsonClient(server.url);
  sns = createSnsClient(server.url);
});

afterAll(async () => {
  sqs?.destroy();
  sns?.destroy();
  await server?.close();
});

type Declaration = Record<string, unknown>;
type Kind = 'Topic' | 'Subscription';

const RESOURCE_TYPE: Record<Kind, string> = {
  Topic: 'Custom::SnsTopic',
  Subscription: 'Custom::SnsSubscription',
};

function common(kind: Kind) {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
    LogicalResourceId: `Orders${kind}`,
    ResourceType: RESOURCE_TYPE[kind],
  };
}

function properties(kind: Kind, declaration: Declaration | string) {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    [kind]: typeof declaration === 'string' ? declaration : JSON.stringify(declaration),
  };
}

function create(kind: Kind, declaration: Declaration | string): CdkCustomResourceEvent {
  return {
    ...common(kind),
    RequestType: 'Create',
    RequestId: randomUUID(),
    ResourceProperties: properties(kind, declaration),
  };
}

function update(
  kind: Kind,
  physicalId: string,
  declaration: Declaration,
  old: Declaration,
): CdkCustomResourceEvent {
  return {
    ...common(kind),
    RequestType: 'Update',
    RequestId: randomUUID(),
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(kind, declaration),
    OldResourceProperties: properties(kind, old),
  };
}

function remove(kind: Kind, physicalId: string, declaration: Declaration): CdkCustomResourceEvent {
  return {
    ...common(kind),
    RequestType: 'Delete',
    RequestId: randomUUID(),
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(kind, declaration),
  };
}

function uniqueName(prefix: string, suffix = ''): string {
  return `${prefix}-${randomUUID().slice(0, 8)}${suffix}`;
}

const topicArn = (name: string) => `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT_ID}:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${name}`;

async function createQueue(name: string): Promise<string> {
  const attributes: Record<string, string> = name.endsWith('.fifo') ? { FifoQueue: 'true' } : {};
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
    .QueueUrl as string;
}

async function topicAttributes(name: string): Promise<Record<string, string> | undefined> {
  try {
    return (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn(name) }))).Attributes ?? {};
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

async function tagsOf(name: string): Promise<Record<string, string>> {
  const out = await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn(name) }));
  return Object.fromEntries((out.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

async function subscriptionAttributes(arn: string): Promise<Record<string, string> | undefined> {
  try {
    return (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
  } catch (error) {
    if ((error as Error).name === 'NotFoundException') return undefined;
    throw error;
  }
}

async function subscriptionCount(topic: string): Promise<number> {
  const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn(topic) }));
  return out.Subscriptions?.length ?? 0;
}

describe('Topic custom resource', () => {
  it('creates the topic with its attributes and tags, named by its physical id, and again with the same outcome', async () => {
    const name = uniqueName('cr-topic');
    const declaration = { name, displayName: 'Orders', signatureVersion: '2', tags: { team: 'shop' } };

    const first = await onEvent(create('Topic', declaration));
    const repeated = await onEvent(create('Topic', declaration));

    expect(first).toEqual({ PhysicalResourceId: name, Data: { TopicName: name, TopicArn: topicArn(name) } });
    expect(repeated).toEqual(first);
    expect(await topicAttributes(name)).toMatchObject({ DisplayName: 'Orders', SignatureVersion: '2' });
    expect(await tagsOf(name)).toEqual({ team: 'shop' });
  });

  it('creates a FIFO topic with content-based deduplication', async () => {
    const name = uniqueName('cr-topic', '.fifo');

    await onEvent(create('Topic', { name, fifo: true, contentBasedDeduplication: true }));

    expect(await topicAttributes(name)).toMatchObject({
      FifoTopic: 'true',
      ContentBasedDeduplication: 'true',
    });
  });

  it('refuses to take over a topic of the same name with other attributes', async () => {
    const name = uniqueName('cr-topic');
    await onEvent(create('Topic', { name, displayName: 'Theirs' }));

    await expect(onEvent(create('Topic', { name, displayName: 'Ours' }))).rejects.toThrow(
      /topic '.*': CreateTopic failed: InvalidParameter: .*Topic already exists with different attributes/,
    );
    expect(output().lines().join('\n')).toContain('queue resource failed');
  });

  it('updates attributes and tags in place, resetting what the new declaration drops', async () => {
    const name = uniqueName('cr-topic');
    const old = { name, displayName: 'Orders', tracingConfig: 'Active', tags: { team: 'shop', tier: '1' } };
    await onEvent(create('Topic', old));

    const response = await onEvent(
      update('Topic', name, { name, signatureVersion: '2', tags: { team: 'ops' } }, old),
    );

    expect(response.PhysicalResourceId).toBe(name);
    const attributes = await topicAttributes(name);
    expect(attributes).toMatchObject({
      DisplayName: '',
      SignatureVersion: '2',
      TracingConfig: 'PassThrough',
    });
    expect(await tagsOf(name)).toEqual({ team: 'ops' });
  });

  it("puts a FIFO topic's dropped throughput scope and deduplication back to their defaults", async () => {
    const name = uniqueName('cr-topic', '.fifo');
    const old = { name, contentBasedDeduplication: true, fifoThroughputScope: 'MessageGroup' };
    await onEvent(create('Topic', old));

    await onEvent(update('Topic', name, { name }, old));

    expect(await topicAttributes(name)).toMatchObject({
      FifoTopic: 'true',
      ContentBasedDeduplication: 'false',
      FifoThroughputScope: 'Topic',
    });
  });

  it('removes every tag when the new declaration has none', async () => {
    const name = uniqueName('cr-topic');
    const old = { name, tags: { team: 'shop' } };
    await onEvent(create('Topic', old));

    await onEvent(update('Topic', name, { name }, old));

    expect(await tagsOf(name)).toEqual({});
  });

  it('creates a renamed topic under its new physical id and deletes the old one on Delete', async () => {
    const oldName = uniqueName('cr-topic');
    const newName = uniqueName('cr-topic');
    await onEvent(create('Topic', { name: oldName }));

    const response = await onEvent(update('Topic', oldName, { name: newName }, { name: oldName }));
    await onEvent(remove('Topic', oldName, { name: oldName }));

    expect(response.PhysicalResourceId).toBe(newName);
    expect(await topicAttributes(newName)).toBeDefined();
    expect(await topicAttributes(oldName)).toBeUndefined();
  });

  it('deletes the topic, and answers success when it is already gone or never had a valid name', async () => {
    const name = uniqueName('cr-topic');
    await onEvent(create('Topic', { name }));

    await onEvent(remove('Topic', name, { name }));
    await onEvent(remove('Topic', name, { name }));
    await onEvent(remove('Topic', 'not a topic name', { name }));

    expect(await topicAttributes(name)).toBeUndefined();
  });

  it('fails with the field that is wrong, before touching anything', async () => {
    const name = uniqueName('cr-topic');

    await expect(onEvent(create('Topic', { name, signatureVersion: '3' }))).rejects.toThrow(
      `ResourceProperties.Topic is not a valid declaration:\ntopic '${name}': signatureVersion must be "1" or "2", got "3"`,
    );
    await expect(onEvent(create('Topic', '{not json'))).rejects.toThrow(
      /ResourceProperties.Topic is not valid JSON/,
    );
    expect(await topicAttributes(name)).toBeUndefined();
  });
});

describe('Subscription custom resource', () => {
  it('subscribes the queue with its attributes, and delivers only what the filter policy matches', async () => {
    const topic = uniqueName('cr-topic');
    const queue = uniqueName('cr-queue');
    const queueUrl = await createQueue(queue);
    await onEvent(create('Topic', { name: topic }));
    const declaration = { topic, queue, rawMessageDelivery: true, filterPolicy: { type: ['created'] } };

    const response = await onEvent(create('Subscription', declaration));
    const repeated = await onEvent(create('Subscription', declaration));
    await publish(topic, 'skipped', 'deleted');
    await publish(topic, 'wanted', 'created');

    const arn = response.PhysicalResourceId;
    expect(arn.startsWith(`${topicArn(topic)}:`)).toBe(true);
    expect(repeated.PhysicalResourceId).toBe(arn);
    expect(response.Data).toEqual({
      SubscriptionArn: arn,
      TopicArn: topicArn(topic),
      QueueArn: queueArn(queue),
    });
    expect(await subscriptionAttributes(arn)).toMatchObject({
      Endpoint: queueArn(queue),
      RawMessageDelivery: 'true',
      FilterPolicy: '{"type":["created"]}',
      FilterPolicyScope: 'MessageAttributes',
    });
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((m) => m.Body)).toEqual(['wanted']);
  });

  it('makes the subscription match exactly on update, and a dead-letter queue becomes its RedrivePolicy', async () => {
    const topic = uniqueName('cr-topic');
    const queue = uniqueName('cr-queue');
    const dlq = uniqueName('cr-dlq');
    await createQueue(queue);
    await createQueue(dlq);
    await onEvent(create('Topic', { name: topic }));
    const old = { topic, queue, rawMessageDelivery: true, filterPolicy: { type: ['created'] } };
    const { PhysicalResourceId: arn } = await onEvent(create('Subscription', old));

    const next = {
      topic,
      queue,
      filterPolicy: { order: { kind: ['big'] } },
      filterPolicyScope: 'MessageBody',
      deadLetterQueue: dlq,
    };
    const response = await onEvent(update('Subscription', arn, next, old));

    expect(response.PhysicalResourceId).toBe(arn);
    const attributes = await subscriptionAttributes(arn);
    expect(attributes).toMatchObject({
      RawMessageDelivery: 'false',
      FilterPolicy: '{"order":{"kind":["big"]}}',
      FilterPolicyScope: 'MessageBody',
    });
    expect(JSON.parse(attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queueArn(dlq) });

    await onEvent(update('Subscription', arn, { topic, queue }, next));

    const reset = await subscriptionAttributes(arn);
    expect(reset?.FilterPolicy).toBeUndefined();
    expect(reset?.RedrivePolicy).toBeUndefined();
  });

  it('subscribes another queue under a new physical id, and Delete removes the old subscription', async () => {
    const topic = uniqueName('cr-topic');
    const first = uniqueName('cr-queue');
    const second = uniqueName('cr-queue');
    await createQueue(first);
    await createQueue(second);
    await onEvent(create('Topic', { name: topic }));
    const { PhysicalResourceId: oldArn } = await onEvent(create('Subscription', { topic, queue: first }));

    const response = await onEvent(
      update('Subscription', oldArn, { topic, queue: second }, { topic, queue: first }),
    );
    await onEvent(remove('Subscription', oldArn, { topic, queue: first }));

    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(await subscriptionAttributes(oldArn)).toBeUndefined();
    expect((await subscriptionAttributes(response.PhysicalResourceId))?.Endpoint).toBe(queueArn(second));
    expect(await subscriptionCount(topic)).toBe(1);
  });

  it('answers Delete with success when the subscription, or its topic, is already gone', async () => {
    const topic = uniqueName('cr-topic');
    const queue = uniqueName('cr-queue');
    await createQueue(queue);
    await onEvent(create('Topic', { name: topic }));
    const { PhysicalResourceId: arn } = await onEvent(create('Subscription', { topic, queue }));

    await onEvent(remove('Subscription', arn, { topic, queue }));
    await onEvent(remove('Subscription', arn, { topic, queue }));
    await onEvent(remove('Topic', topic, { name: topic }));
    await onEvent(remove('Subscription', arn, { topic, queue }));
    await onEvent(remove('Subscription', 'not-an-arn', { topic, queue }));

    expect(await subscriptionAttributes(arn)).toBeUndefined();
  });

  it("fails with SNS's answer for a topic that does not exist or a queue of the wrong type", async () => {
    const topic = uniqueName('cr-topic');
    const queue = uniqueName('cr-queue');

    await expect(onEvent(create('Subscription', { topic, queue }))).rejects.toThrow(
      `topic '${topic}': ListSubscriptionsByTopic (queue '${queue}') failed: NotFound: Topic does not exist`,
    );
    await expect(onEvent(create('Subscription', { topic, queue: `${queue}.fifo` }))).rejects.toThrow(
      /a standard topic cannot deliver to FIFO queues/,
    );
  });
});

async function publish(topic: string, message: string, type: string): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn(topic),
      Message: message,
      MessageAttributes: { type: { DataType: 'String', StringValue: type } },
    }),
  );
}

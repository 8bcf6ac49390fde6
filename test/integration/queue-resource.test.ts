import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { useCapturedOutput } from '../helpers/captured-output.js';
import { createJsonClient } from '../helpers/json-client.js';
import { startTestServer, TEST_ACCOUNT_ID, TEST_REGION, type TestServer } from '../helpers/server.js';

let server: TestServer;
let sqs: SQSClient;
const output = useCapturedOutput();
const onEvent = createQueueResourceHandler({ createService: async () => server.service });

beforeAll(async () => {
  server = await startTestServer({ runMoveTasks: false });
  sqs = createJsonClient(server.url);
});

afterAll(async () => {
  sqs?.destroy();
  await server?.close();
});

/** A queue declaration as the CDK `Queue` construct writes it into the custom resource's properties. */
type Declaration = Record<string, unknown>;

const COMMON = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
  LogicalResourceId: 'OrdersQueue',
  ResourceType: 'Custom::SqsQueue',
};

function properties(queue: Declaration | string) {
  return {
    ServiceToken: COMMON.ServiceToken,
    Queue: typeof queue === 'string' ? queue : JSON.stringify(queue),
  };
}

function create(queue: Declaration | string): CdkCustomResourceEvent {
  return { ...COMMON, RequestType: 'Create', RequestId: randomUUID(), ResourceProperties: properties(queue) };
}

function update(physicalId: string, queue: Declaration, old: Declaration): CdkCustomResourceEvent {
  return {
    ...COMMON,
    RequestType: 'Update',
    RequestId: randomUUID(),
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(queue),
    OldResourceProperties: properties(old),
  };
}

function remove(physicalId: string, queue: Declaration): CdkCustomResourceEvent {
  return {
    ...COMMON,
    RequestType: 'Delete',
    RequestId: randomUUID(),
    PhysicalResourceId: physicalId,
    ResourceProperties: properties(queue),
  };
}

function queueName(suffix = ''): string {
  return `cr-${randomUUID().slice(0, 8)}${suffix}`;
}

function arnOf(name: string): string {
  return `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${name}`;
}

function urlOf(name: string): string {
  return `${server.url}/${TEST_ACCOUNT_ID}/${name}`;
}

async function attributesOf(name: string): Promise<Record<string, string>> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: urlOf(name), AttributeNames: ['All'] }),
  );
  return out.Attributes ?? {};
}

async function tagsOf(name: string): Promise<Record<string, string>> {
  return (await sqs.send(new ListQueueTagsCommand({ QueueUrl: urlOf(name) }))).Tags ?? {};
}

async function exists(name: string): Promise<boolean> {
  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'QueueDoesNotExist') return false;
    throw error;
  }
}

function redriveTarget(attributes: Record<string, string>) {
  return attributes.RedrivePolicy === undefined ? undefined : JSON.parse(attributes.RedrivePolicy);
}

describe('Queue custom resource: Create', () => {
  it('creates the queue with its attributes and tags, named by its physical id', async () => {
    const name = queueName();

    const response = await onEvent(
      create({ name, attributes: { VisibilityTimeout: '60', DelaySeconds: 5 }, tags: { team: 'shop' } }),
    );

    expect(response).toEqual({ PhysicalResourceId: name, Data: { QueueName: name, QueueArn: arnOf(name) } });
    expect(await attributesOf(name)).toMatchObject({ VisibilityTimeout: '60', DelaySeconds: '5' });
    expect(await tagsOf(name)).toEqual({ team: 'shop' });
  });

  it('creates a FIFO queue with its FIFO dead-letter queue', async () => {
    const dlq = queueName('.fifo');
    const name = queueName('.fifo');

    await onEvent(create({ name: dlq }));
    await onEvent(
      create({
        name,
        attributes: { ContentBasedDeduplication: true },
        deadLetterQueue: { name: dlq, maxReceiveCount: 3 },
      }),
    );

    const attributes = await attributesOf(name);
    expect(attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    expect(redriveTarget(attributes)).toEqual({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 3 });
  });

  it('succeeds again for the same declaration (a retried Create)', async () => {
    const name = queueName();
    const declaration = { name, attributes: { VisibilityTimeout: '45' }, tags: { team: 'shop' } };

    await onEvent(create(declaration));
    const again = await onEvent(create(declaration));

    expect(again.PhysicalResourceId).toBe(name);
    expect(await attributesOf(name)).toMatchObject({ VisibilityTimeout: '45' });
    expect(await tagsOf(name)).toEqual({ team: 'shop' });
  });

  it('fails, as CreateQueue does, for a name an existing queue with other attributes has, and leaves it alone', async () => {
    const name = queueName();
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }));

    const attempt = onEvent(create({ name, attributes: { VisibilityTimeout: '60' } }));

    await expect(attempt).rejects.toThrow(
      `queue '${name}': CreateQueue failed: QueueNameExists: A queue already exists with the same name and a different value for attribute VisibilityTimeout`,
    );
    expect(await attributesOf(name)).toMatchObject({ VisibilityTimeout: '10' });
  });

  it("fails with the engine's error for a FIFO dead-letter queue on a Standard queue", async () => {
    const dlq = queueName('.fifo');
    await onEvent(create({ name: dlq }));
    const name = queueName();

    const attempt = onEvent(create({ name, deadLetterQueue: { name: dlq, maxReceiveCount: 3 } }));

    await expect(attempt).rejects.toThrow(
      /CreateQueue failed: .*Dead-letter queue must be same type of queue as the source/,
    );
    expect(await exists(name)).toBe(false);
  });

  it('fails with a message naming what is wrong in the properties', async () => {
    const name = queueName();

    await expect(onEvent(create('{"name": '))).rejects.toThrow(/^ResourceProperties.Queue is not valid JSON/);
    await expect(onEvent(create({ name, attributes: { VisibilityTimeout: 50_000 } }))).rejects.toThrow(
      `queue '${name}': attributes.VisibilityTimeout must be`,
    );
    await expect(onEvent(create({ name, colour: 'blue' }))).rejects.toThrow(
      `queue '${name}': colour is not a queue field`,
    );
    await expect(
      onEvent({ ...create({ name }), ResourceProperties: { ServiceToken: COMMON.ServiceToken } }),
    ).rejects.toThrow(
      'ResourceProperties.Queue must be one queue declaration as a JSON string, got undefined',
    );
    expect(await exists(name)).toBe(false);
    expect(
      output()
        .logs()
        .filter((line) => line.level === 'ERROR'),
    ).toHaveLength(4);
  });
});

describe('Queue custom resource: Update', () => {
  it('changes attributes and tags, and puts an attribute or tags the declaration drops back to the default', async () => {
    const name = queueName();
    const before = {
      name,
      attributes: { VisibilityTimeout: '60', MessageRetentionPeriod: '86400' },
      tags: { team: 'shop', tier: 'gold' },
    };
    await onEvent(create(before));

    const changed = { name, attributes: { VisibilityTimeout: '90' }, tags: { team: 'payments' } };
    await onEvent(update(name, changed, before));
    const afterChange = await attributesOf(name);
    const tagsAfterChange = await tagsOf(name);
    await onEvent(update(name, { name }, changed));

    expect(afterChange).toMatchObject({ VisibilityTimeout: '90', MessageRetentionPeriod: '345600' });
    expect(tagsAfterChange).toEqual({ team: 'payments' });
    expect(await attributesOf(name)).toMatchObject({
      VisibilityTimeout: '30',
      MessageRetentionPeriod: '345600',
    });
    expect(await tagsOf(name)).toEqual({});
  });

  it('adds a dead-letter queue, moves it to another, and removes it', async () => {
    const first = queueName();
    const second = queueName();
    const name = queueName();
    await onEvent(create({ name: first }));
    await onEvent(create({ name: second }));
    const plain = { name };
    await onEvent(create(plain));

    const withFirst = { name, deadLetterQueue: { name: first, maxReceiveCount: 5 } };
    await onEvent(update(name, withFirst, plain));
    const afterAdd = redriveTarget(await attributesOf(name));
    const withSecond = { name, deadLetterQueue: { name: second, maxReceiveCount: 2 } };
    await onEvent(update(name, withSecond, withFirst));
    const afterMove = redriveTarget(await attributesOf(name));
    await onEvent(update(name, plain, withSecond));

    expect(afterAdd).toEqual({ deadLetterTargetArn: arnOf(first), maxReceiveCount: 5 });
    expect(afterMove).toEqual({ deadLetterTargetArn: arnOf(second), maxReceiveCount: 2 });
    expect(redriveTarget(await attributesOf(name))).toBeUndefined();
  });

  it('creates the queue under a new name and answers its physical id; the old queue stays for CloudFormation to delete', async () => {
    const oldName = queueName();
    const newName = queueName();
    const before = { name: oldName, attributes: { VisibilityTimeout: '60' } };
    await onEvent(create(before));

    const response = await onEvent(update(oldName, { ...before, name: newName }, before));

    expect(response).toEqual({
      PhysicalResourceId: newName,
      Data: { QueueName: newName, QueueArn: arnOf(newName) },
    });
    expect(await attributesOf(newName)).toMatchObject({ VisibilityTimeout: '60' });
    expect(await exists(oldName)).toBe(true);
  });

  it('fails a rename to a name an existing queue with other attributes has', async () => {
    const oldName = queueName();
    const taken = queueName();
    await sqs.send(new CreateQueueCommand({ QueueName: taken, Attributes: { DelaySeconds: '7' } }));
    const before = { name: oldName };
    await onEvent(create(before));

    const attempt = onEvent(update(oldName, { name: taken, attributes: { DelaySeconds: '0' } }, before));

    await expect(attempt).rejects.toThrow(/QueueNameExists/);
    expect(await attributesOf(taken)).toMatchObject({ DelaySeconds: '7' });
  });

  it('recreates a queue that was deleted behind its back', async () => {
    const name = queueName();
    const before = { name, attributes: { VisibilityTimeout: '60' } };
    await onEvent(create(before));
    await onEvent(remove(name, before));

    await onEvent(update(name, { name, attributes: { VisibilityTimeout: '70' } }, before));

    expect(await attributesOf(name)).toMatchObject({ VisibilityTimeout: '70' });
  });
});

describe('Queue custom resource: Delete', () => {
  it('deletes the queue, and succeeds again when it is already gone', async () => {
    const name = queueName();
    const declaration = { name };
    await onEvent(create(declaration));

    const first = await onEvent(remove(name, declaration));
    const second = await onEvent(remove(name, declaration));

    expect(first.PhysicalResourceId).toBe(name);
    expect(second.PhysicalResourceId).toBe(name);
    expect(await exists(name)).toBe(false);
  });
});

import { randomUUID } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createService, type Service } from '../../lambda/create-service.js';
import { createQueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { ExampleStack } from '../../lib/example-stack.js';
import { type IQueueService, Queue } from '../../lib/queue.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';
import { SYNTH_TIMEOUT_MS } from './synth.js';

/**
 * The contract between the `Queue` construct and the custom resource function: what the construct writes
 * into the template, the function (the runtime's, on DynamoDB Local) creates and updates as declared.
 */

const SERVICE: IQueueService = {
  endpoint: 'https://sqs.example.com',
  accountId: TEST_ACCOUNT_ID,
  region: TEST_REGION,
  serviceToken: 'arn:aws:lambda:us-east-1:000000000000:function:provider',
  metricsNamespace: 'DynamoSQS',
  // The example's consumer grants this role the invoke.
  consumerDispatcherRoleArn: 'arn:aws:iam::000000000000:role/dispatcher',
};

interface CustomResource {
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: readonly string[];
}

/** The stack's queue resources, each after the ones it depends on, as CloudFormation creates them. */
function queueResources(stack: Stack): [string, CustomResource][] {
  const resources = Template.fromStack(stack).findResources('Custom::SqsQueue') as Record<
    string,
    CustomResource
  >;
  const ordered: [string, CustomResource][] = [];
  const visit = (id: string) => {
    if (ordered.some(([done]) => done === id)) return;
    const resource = resources[id] as CustomResource;
    for (const dependency of resource.DependsOn ?? []) if (resources[dependency]) visit(dependency);
    ordered.push([id, resource]);
  };
  for (const id of Object.keys(resources)) visit(id);
  return ordered;
}

function event(
  requestType: 'Create' | 'Update',
  logicalId: string,
  properties: Record<string, unknown>,
  old?: { physicalId: string; properties: Record<string, unknown> },
): CdkCustomResourceEvent {
  const common = {
    ServiceToken: SERVICE.serviceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/test/1',
    RequestId: randomUUID(),
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::SqsQueue',
    ResourceProperties: { ...properties, ServiceToken: SERVICE.serviceToken },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  return {
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: old?.physicalId ?? '',
    OldResourceProperties: { ...old?.properties, ServiceToken: SERVICE.serviceToken },
  };
}

let service: Service;
const onEvent = createQueueResourceHandler({ createService: async () => service });

beforeAll(async () => {
  service = await createService(
    {
      tableName: uniqueTableName(),
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      accountId: TEST_ACCOUNT_ID,
      region: TEST_REGION,
      dynamodbCredentials: DUMMY_CREDENTIALS,
    },
    { ensureTable: true, runMoveTasks: false },
  );
});

afterAll(async () => {
  await service?.close();
});

async function attributesOf(queueName: string): Promise<Record<string, string>> {
  return { ...(await service.engine.getQueueAttributes({ queueName, attributeNames: ['All'] })) };
}

describe('Queue construct and queue resource function', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('creates the README example’s queues as declared, dead-letter queues first', async () => {
    const stack = new ExampleStack(new App(), 'Example', { service: SERVICE });

    for (const [logicalId, resource] of queueResources(stack)) {
      await onEvent(event('Create', logicalId, resource.Properties));
    }

    const orders = await attributesOf('orders');
    expect(orders.VisibilityTimeout).toBe('60');
    expect(orders.ReceiveMessageWaitTimeSeconds).toBe('20');
    expect(JSON.parse(orders.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq',
      maxReceiveCount: 5,
    });
    expect((await attributesOf('orders-dlq')).MessageRetentionPeriod).toBe('1209600');
    const payments = await attributesOf('payments.fifo');
    expect(payments.FifoQueue).toBe('true');
    expect(payments.ContentBasedDeduplication).toBe('true');
    expect(JSON.parse(payments.RedrivePolicy ?? '{}').deadLetterTargetArn).toBe(
      'arn:aws:sqs:us-east-1:000000000000:payments-dlq.fifo',
    );
  });

  it('puts a prop removed from the code back to SQS’s default, and drops a removed dead-letter queue', async () => {
    const name = `contract-${randomUUID().slice(0, 8)}`;
    const before = new Stack(new App(), 'Before');
    const dlq = new Queue(before, 'Dlq', { service: SERVICE, queueName: `${name}-dlq` });
    new Queue(before, 'Queue', {
      service: SERVICE,
      queueName: name,
      visibilityTimeout: Duration.minutes(5),
      tags: { team: 'shop' },
      deadLetterQueue: { queue: dlq, maxReceiveCount: 2 },
    });
    const after = new Stack(new App(), 'After');
    new Queue(after, 'Queue', { service: SERVICE, queueName: name });
    const [[dlqId, dlqResource], [queueId, oldResource]] = queueResources(before) as [
      [string, CustomResource],
      [string, CustomResource],
    ];
    const [[, newResource]] = queueResources(after) as [[string, CustomResource]];
    await onEvent(event('Create', dlqId, dlqResource.Properties));
    await onEvent(event('Create', queueId, oldResource.Properties));

    await onEvent(
      event('Update', queueId, newResource.Properties, {
        physicalId: name,
        properties: oldResource.Properties,
      }),
    );

    const attributes = await attributesOf(name);
    expect(attributes.VisibilityTimeout).toBe('30');
    expect(attributes.RedrivePolicy).toBeUndefined();
    expect(await service.engine.listQueueTags({ queueName: name })).toEqual({});
  });
});

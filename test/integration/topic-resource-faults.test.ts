import { randomUUID } from 'node:crypto';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { useCapturedOutput } from '../helpers/captured-output.js';
import type { DynamoRequest } from '../helpers/fault-proxy.js';
import { INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import { ACCOUNT_ID, type FaultyService, REGION, startFaultyService } from '../helpers/fault-service.js';

/**
 * The custom resources behind the CDK `Topic` and `QueueSubscription` under storage faults: a Create whose DynamoDB
 * write fails (or is applied with its answer lost) either succeeds through the storage layer's retries or fails
 * with an error; repeating the event (as CloudFormation's retries and the provider framework do) then ends with
 * exactly the declared topic and one subscription.
 */

let stack: FaultyService;
useCapturedOutput();
const onEvent = createQueueResourceHandler({ createService: async () => stack.service });

beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});

afterAll(async () => {
  await stack?.close();
});

function event(kind: 'Topic' | 'Subscription', declaration: Record<string, unknown>): CdkCustomResourceEvent {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
    LogicalResourceId: kind,
    ResourceType: kind === 'Topic' ? 'Custom::SnsTopic' : 'Custom::SnsSubscription',
    RequestType: 'Create',
    RequestId: randomUUID(),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      [kind]: JSON.stringify(declaration),
    },
  };
}

/** The event, repeated once if it failed, as CloudFormation would: the second answer must be success. */
async function withOneRepeat(resourceEvent: CdkCustomResourceEvent) {
  try {
    return await onEvent(resourceEvent);
  } catch {
    return onEvent(resourceEvent);
  }
}

const isTopicPut = (body: DynamoRequest) => String(body.Item?.pk?.S ?? '').startsWith('TOPIC#');
const isSubscriptionPut = (body: DynamoRequest) => String(body.Item?.pk?.S ?? '').startsWith('SUB#');
const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${name}`;

describe.each(INSTANT_FAULTS)('Topic and subscription resources when a write meets %s', (fault) => {
  it('end with the declared topic, once', async () => {
    const name = `fault-topic-${randomUUID().slice(0, 8)}`;
    const armed = stack.proxy.next({ op: 'PutItem', when: isTopicPut, fault });

    const response = await withOneRepeat(
      event('Topic', { name, displayName: 'Orders', tags: { team: 'shop' } }),
    );

    await armed.fired;
    expect(response.PhysicalResourceId).toBe(name);
    const topics = stack.service.topics.engine;
    expect(await topics.getTopicAttributes(topicArn(name))).toMatchObject({ DisplayName: 'Orders' });
    expect(await topics.listTagsForResource(topicArn(name))).toEqual({ team: 'shop' });
  });

  it('end with one subscription with the declared attributes', async () => {
    const name = `fault-topic-${randomUUID().slice(0, 8)}`;
    const queue = await stack.createQueue();
    await onEvent(event('Topic', { name }));
    const armed = stack.proxy.next({ op: 'PutItem', when: isSubscriptionPut, fault });

    const response = await withOneRepeat(
      event('Subscription', { topic: name, queue: queue.name, rawMessageDelivery: true }),
    );

    await armed.fired;
    const topics = stack.service.topics.engine;
    const { subscriptions } = await topics.listSubscriptionsByTopic({ topicArn: topicArn(name) });
    expect(subscriptions.map((s) => s.subscriptionArn)).toEqual([response.PhysicalResourceId]);
    expect(await topics.getSubscriptionAttributes(response.PhysicalResourceId)).toMatchObject({
      Endpoint: queue.arn,
      RawMessageDelivery: 'true',
    });
  });
});

describe('Topic resource when storage keeps failing', () => {
  it('fails naming the action, never as a bad declaration, and creates nothing', async () => {
    const name = `fault-topic-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 10; i++) stack.proxy.next({ op: 'PutItem', when: isTopicPut, fault: 'fail-500' });

    const outcome = await onEvent(event('Topic', { name })).then(
      () => undefined,
      (error: Error) => error,
    );
    stack.proxy.clear();

    expect(outcome?.message).toMatch(new RegExp(`^topic '${name}': CreateTopic failed: `));
    await expect(stack.service.topics.engine.getTopicAttributes(topicArn(name))).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

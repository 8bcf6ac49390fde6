/**
 * The queue resource function as `cdk synth` bundles it, serving the custom resources of a CDK `Topic` and
 * `QueueSubscription`: what CloudFormation would invoke. A server on the same table then publishes to the topic.
 */
import { randomUUID } from 'node:crypto';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { QueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { BUNDLING_TIMEOUT_MS, type BundledApp, synthBundledApp } from '../helpers/bundled-app.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { createJsonClient } from '../helpers/json-client.js';
import {
  startTestServer,
  TEST_ACCOUNT_ID,
  TEST_REGION,
  type TestServer,
  uniqueTableName,
} from '../helpers/server.js';
import { createSnsClient } from '../helpers/sns.js';

let app: BundledApp;
let server: TestServer;
let sns: SNSClient;
let sqs: SQSClient;
let onEvent: QueueResourceHandler;

beforeAll(async () => {
  app = await synthBundledApp();
  const tableName = uniqueTableName();
  // What the stack sets (TABLE_NAME, SQS_ACCOUNT_ID; Lambda sets AWS_REGION), with DynamoDB Local standing in.
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('DYNAMODB_ENDPOINT', inject('dynamodbEndpoint'));
  vi.stubEnv('SQS_ACCOUNT_ID', TEST_ACCOUNT_ID);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', DUMMY_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', DUMMY_CREDENTIALS.secretAccessKey);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  server = await startTestServer({ tableName, auth: false, runMoveTasks: false });
  sns = createSnsClient(server.url);
  sqs = createJsonClient(server.url);
  onEvent = await app.importHandler<QueueResourceHandler>('queueResource');
}, BUNDLING_TIMEOUT_MS);

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await server?.close();
  vi.unstubAllEnvs();
  app?.remove();
});

function create(resourceType: string, property: string, declaration: unknown): CdkCustomResourceEvent {
  return {
    RequestType: 'Create',
    RequestId: randomUUID(),
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/example/1',
    LogicalResourceId: 'Declared',
    ResourceType: resourceType,
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      [property]: JSON.stringify(declaration),
    },
  } as CdkCustomResourceEvent;
}

describe('the bundled queue resource function', () => {
  it('creates a queue, a topic and a filtered raw subscription that a server then delivers through', async () => {
    const suffix = randomUUID().slice(0, 8);
    const queue = `bundled-orders-${suffix}`;
    const topic = `bundled-events-${suffix}`;

    await onEvent(create('Custom::SqsQueue', 'Queue', { name: queue }));
    const createdTopic = await onEvent(
      create('Custom::SnsTopic', 'Topic', { name: topic, displayName: 'Events' }),
    );
    const subscription = await onEvent(
      create('Custom::SnsSubscription', 'Subscription', {
        topic,
        queue,
        rawMessageDelivery: true,
        filterPolicy: { type: ['created'] },
      }),
    );
    const topicArn = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT_ID}:${topic}`;
    for (const [message, type] of [
      ['skipped', 'deleted'],
      ['wanted', 'created'],
    ]) {
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: message,
          MessageAttributes: { type: { DataType: 'String', StringValue: type } },
        }),
      );
    }
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: `${server.url}/${TEST_ACCOUNT_ID}/${queue}`,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );

    expect(createdTopic).toEqual({
      PhysicalResourceId: topic,
      Data: { TopicName: topic, TopicArn: topicArn },
    });
    expect(subscription.PhysicalResourceId.startsWith(`${topicArn}:`)).toBe(true);
    expect(received.Messages?.map((m) => m.Body)).toEqual(['wanted']);
  });
});

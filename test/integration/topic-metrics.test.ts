import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Config } from '../../lambda/config.js';
import { createService, type Service } from '../../lambda/create-service.js';
import { createLambdaHandler } from '../../lambda/entries/lambda.js';
import { QueueMetrics } from '../../lambda/observability/queue-metrics.js';
import { TOPIC_METRIC, TopicMetrics } from '../../lambda/observability/topic-metrics.js';
import { type CapturedOutput, captureOutput, type EmfDocument } from '../helpers/captured-output.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, startHttpApiShim } from '../helpers/http-api-shim.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

let service: Service;
let shim: HttpApiShim;
let sns: SNSClient;
let sqs: SQSClient;
let output: CapturedOutput;

beforeAll(async () => {
  const config: Config = {
    tableName: uniqueTableName(),
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    accountId: TEST_ACCOUNT_ID,
    region: TEST_REGION,
    dynamodbCredentials: DUMMY_CREDENTIALS,
  };
  const metrics = new QueueMetrics();
  const topicMetrics = new TopicMetrics();
  service = await createService(config, {
    ensureTable: true,
    runMoveTasks: false,
    metrics,
    topicActivity: topicMetrics,
  });
  shim = await startHttpApiShim(
    createLambdaHandler({ metrics, topicMetrics, createService: async () => service }),
  );
  const client = { endpoint: shim.url, region: TEST_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 };
  sns = new SNSClient(client);
  sqs = new SQSClient(client);
});

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await shim?.close();
  await service?.close();
});

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

function topicSum(documents: readonly EmfDocument[], topicName: string, metric: string): number {
  return documents
    .filter((doc) => doc.TopicName === topicName && typeof doc[metric] === 'number')
    .reduce((sum, doc) => sum + (doc[metric] as number), 0);
}

async function queueArnOf(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: attributes.Attributes?.QueueArn as string };
}

describe('Per-topic metrics of the Lambda entry', () => {
  it('counts publishes, deliveries, filtered-out and failed notifications per topic, as AWS/SNS names them', async () => {
    const suffix = randomUUID().slice(0, 8);
    const topicName = `metrics-${suffix}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
    const matching = await queueArnOf(`metrics-match-${suffix}`);
    const filtered = await queueArnOf(`metrics-filtered-${suffix}`);
    const gone = await queueArnOf(`metrics-gone-${suffix}`);
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: matching.arn }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: filtered.arn,
        Attributes: { FilterPolicy: JSON.stringify({ type: ['other'] }) },
      }),
    );
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: gone.arn }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    output.clear();

    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'hello',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'created' } },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn, Message: 'again' }));

    const documents = output.emf();
    expect(topicSum(documents, topicName, TOPIC_METRIC.published)).toBe(2);
    expect(topicSum(documents, topicName, TOPIC_METRIC.delivered)).toBe(2);
    expect(topicSum(documents, topicName, TOPIC_METRIC.filteredOut)).toBe(2);
    expect(topicSum(documents, topicName, TOPIC_METRIC.failed)).toBe(2);
    const topicDocuments = documents.filter((doc) => doc.TopicName === topicName);
    expect(
      topicDocuments.every(
        (doc) => JSON.stringify(doc._aws.CloudWatchMetrics[0]?.Dimensions) === '[["TopicName"]]',
      ),
    ).toBe(true);
  });

  it('writes nothing for a topic nobody published to', async () => {
    await sns.send(new CreateTopicCommand({ Name: `metrics-idle-${randomUUID().slice(0, 8)}` }));

    expect(output.emf().filter((doc) => doc.TopicName !== undefined)).toEqual([]);
  });
});

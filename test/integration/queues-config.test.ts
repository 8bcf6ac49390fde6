import { readFile } from 'node:fs/promises';
import { GetQueueAttributesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { applyQueues, describeOutcome } from '../../lambda/queues-config/apply.js';
import { parseQueuesConfig } from '../../lambda/queues-config/parse.js';
import { planQueues } from '../../lambda/queues-config/plan.js';
import { sharedTestServer, TEST_ACCOUNT_ID, TEST_REGION } from '../helpers/server.js';
import { testClients, uniqueQueueName } from '../helpers/test-queue.js';

/** Applies a config to this file's server, as `npm start -- --config` does, and returns the report lines. */
async function apply(json: unknown): Promise<string[]> {
  const { service } = await sharedTestServer();
  const outcomes = await applyQueues(service.engine, planQueues(parseQueuesConfig(json)));
  return outcomes.map(describeOutcome);
}

/** What a client sees of a queue: its attributes (all of them, and RedrivePolicy) and its tags. */
async function describeQueue(name: string) {
  const { sqs, url } = await testClients();
  const QueueUrl = `${url}/${TEST_ACCOUNT_ID}/${name}`;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['All', 'RedrivePolicy', 'RedriveAllowPolicy'],
    }),
  );
  const tags = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
  return { attributes: attributes.Attributes ?? {}, tags: tags.Tags ?? {} };
}

const arn = (name: string) => `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${name}`;

describe('Queues config', () => {
  it('creates the declared queues, then leaves them unchanged when applied again', async () => {
    const jobs = uniqueQueueName('jobs');
    const events = `${uniqueQueueName('events')}.fifo`;
    const config = {
      queues: [
        { name: jobs, attributes: { VisibilityTimeout: 45, DelaySeconds: '2' }, tags: { team: 'core' } },
        { name: events, attributes: { ContentBasedDeduplication: true, DeduplicationScope: 'messageGroup' } },
      ],
    };

    const first = await apply(config);
    const second = await apply(config);

    expect(first).toEqual([`${jobs}: created`, `${events}: created`]);
    expect(second).toEqual([`${jobs}: unchanged`, `${events}: unchanged`]);
    const created = await describeQueue(jobs);
    expect(created.attributes).toMatchObject({ VisibilityTimeout: '45', DelaySeconds: '2' });
    expect(created.tags).toEqual({ team: 'core' });
    expect((await describeQueue(events)).attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
    });
  });

  it('sets changed attributes and tags, and keeps the value of an attribute the file no longer names', async () => {
    const jobs = uniqueQueueName('jobs');
    await apply({
      queues: [
        {
          name: jobs,
          attributes: { VisibilityTimeout: 45, DelaySeconds: 2 },
          tags: { team: 'core', env: 'dev' },
        },
      ],
    });

    const report = await apply({
      queues: [{ name: jobs, attributes: { VisibilityTimeout: 90 }, tags: { env: 'prod', owner: 'ops' } }],
    });

    expect(report).toEqual([
      `${jobs}: updated attributes VisibilityTimeout; tags added owner, changed env, removed team`,
    ]);
    const queue = await describeQueue(jobs);
    expect(queue.attributes).toMatchObject({ VisibilityTimeout: '90', DelaySeconds: '2' });
    expect(queue.tags).toEqual({ env: 'prod', owner: 'ops' });
  });

  it('updates a queue a client created with other attributes, and leaves its tags when the file lists none', async () => {
    const jobs = uniqueQueueName('jobs');
    const { service } = await sharedTestServer();
    await service.engine.createQueue({
      queueName: jobs,
      attributes: { VisibilityTimeout: '10' },
      tags: { a: '1' },
    });

    const report = await apply({ queues: [{ name: jobs, attributes: { VisibilityTimeout: 20 } }] });

    expect(report).toEqual([`${jobs}: updated attributes VisibilityTimeout`]);
    expect(await describeQueue(jobs)).toMatchObject({
      attributes: { VisibilityTimeout: '20' },
      tags: { a: '1' },
    });
  });

  it('leaves queues the file does not declare alone', async () => {
    const declared = uniqueQueueName('declared');
    const other = uniqueQueueName('other');
    const { service } = await sharedTestServer();
    await service.engine.createQueue({ queueName: other, attributes: { VisibilityTimeout: '10' } });

    await apply({ queues: [{ name: declared }] });

    expect((await describeQueue(other)).attributes).toMatchObject({ VisibilityTimeout: '10' });
  });

  it('creates the example file: dead-letter queues first, each source with a RedrivePolicy naming its ARN', async () => {
    const example = JSON.parse(await readFile('examples/queues.json', 'utf8')) as unknown;

    const first = await apply(example);
    const second = await apply(example);

    expect(first).toEqual([
      'orders-dlq: created',
      'orders: created',
      'payments-dlq.fifo: created',
      'payments.fifo: created',
    ]);
    expect(second).toEqual([
      'orders-dlq: unchanged',
      'orders: unchanged',
      'payments-dlq.fifo: unchanged',
      'payments.fifo: unchanged',
    ]);
    expect(JSON.parse((await describeQueue('orders')).attributes.RedrivePolicy ?? '')).toEqual({
      deadLetterTargetArn: arn('orders-dlq'),
      maxReceiveCount: 5,
    });
    expect(JSON.parse((await describeQueue('payments.fifo')).attributes.RedrivePolicy ?? '')).toEqual({
      deadLetterTargetArn: arn('payments-dlq.fifo'),
      maxReceiveCount: 3,
    });
  });

  it('changes a redrive policy whose maxReceiveCount or dead-letter queue changed', async () => {
    const work = uniqueQueueName('work');
    const dlq = uniqueQueueName('dlq');
    const otherDlq = uniqueQueueName('dlq2');
    await apply({
      queues: [{ name: dlq }, { name: work, deadLetterQueue: { name: dlq, maxReceiveCount: 5 } }],
    });

    const report = await apply({
      queues: [{ name: otherDlq }, { name: work, deadLetterQueue: { name: otherDlq, maxReceiveCount: 2 } }],
    });

    expect(report).toEqual([`${otherDlq}: created`, `${work}: updated attributes RedrivePolicy`]);
    expect(JSON.parse((await describeQueue(work)).attributes.RedrivePolicy ?? '')).toEqual({
      deadLetterTargetArn: arn(otherDlq),
      maxReceiveCount: 2,
    });
  });
});

describe('Queues config with RedriveAllowPolicy', () => {
  it('takes the policy as an object and finds it unchanged however the service spells it', async () => {
    const work = uniqueQueueName('work');
    const dlq = uniqueQueueName('dlq');
    const config = {
      queues: [
        { name: work, deadLetterQueue: { name: dlq, maxReceiveCount: 4 } },
        {
          name: dlq,
          attributes: { RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [arn(work)] } },
        },
      ],
    };

    const first = await apply(config);
    const second = await apply(config);

    expect(first).toEqual([`${dlq}: created`, `${work}: created`]);
    expect(second).toEqual([`${dlq}: unchanged`, `${work}: unchanged`]);
    expect(JSON.parse((await describeQueue(dlq)).attributes.RedriveAllowPolicy ?? '')).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [arn(work)],
    });
  });
});

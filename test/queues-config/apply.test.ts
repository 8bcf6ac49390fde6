import { describe, expect, it } from 'vitest';
import { InvalidAttributeValue, QueueDoesNotExist } from '../../lambda/engine/errors.js';
import { applyQueues, describeOutcome } from '../../lambda/queues-config/apply.js';
import { parseQueuesConfig } from '../../lambda/queues-config/parse.js';
import { planQueues } from '../../lambda/queues-config/plan.js';
import { fakeEngine } from '../protocol/fake-engine.js';

function plan(queues: unknown[]) {
  return planQueues(parseQueuesConfig({ queues }));
}

const missing = async (): Promise<never> => {
  throw new QueueDoesNotExist();
};

describe('applyQueues', () => {
  it('reads every queue, then creates them dead-letter queue first, with the engine account in the ARN', async () => {
    const engine = fakeEngine({ getQueueAttributes: missing });

    const outcomes = await applyQueues(
      engine,
      plan([
        { name: 'orders', deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 } },
        { name: 'orders-dlq' },
      ]),
    );

    expect(
      engine.calls.map((call) => `${call.method} ${(call.input as { queueName: string }).queueName}`),
    ).toEqual([
      'getQueueAttributes orders-dlq',
      'getQueueAttributes orders',
      'createQueue orders-dlq',
      'createQueue orders',
    ]);
    expect(engine.calls[3]?.input).toEqual({
      queueName: 'orders',
      attributes: {
        RedrivePolicy:
          '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq","maxReceiveCount":5}',
      },
      tags: {},
    });
    expect(outcomes.map(describeOutcome)).toEqual(['orders-dlq: created', 'orders: created']);
  });

  it('writes nothing when any queue of the plan cannot be applied', async () => {
    const engine = fakeEngine({
      getQueueAttributes: async (input) => {
        if (input.queueName === 'first') throw new QueueDoesNotExist();
        return {};
      },
    });

    await expect(applyQueues(engine, plan([{ name: 'first' }, { name: 'second.fifo' }]))).rejects.toThrow(
      "queue 'second.fifo': attributes.FifoQueue is true, but the existing queue is a Standard queue",
    );
    expect(engine.calls.map((call) => call.method)).toEqual(['getQueueAttributes', 'getQueueAttributes']);
  });

  it('names the queue and the action the engine refused', async () => {
    const engine = fakeEngine({
      getQueueAttributes: missing,
      createQueue: async () => {
        throw new InvalidAttributeValue('Invalid value for the parameter Policy.');
      },
    });

    await expect(applyQueues(engine, plan([{ name: 'orders' }]))).rejects.toThrow(
      "queue 'orders': CreateQueue failed: InvalidAttributeValue: Invalid value for the parameter Policy.",
    );
  });

  it('sets differing attributes, untags, then tags, and reports what changed', async () => {
    const engine = fakeEngine({
      getQueueAttributes: async () => ({ VisibilityTimeout: '30' }),
      listQueueTags: async () => ({ env: 'dev', old: 'x' }),
    });

    const outcomes = await applyQueues(
      engine,
      plan([{ name: 'orders', attributes: { VisibilityTimeout: 60 }, tags: { env: 'prod', team: 'shop' } }]),
    );

    expect(engine.calls.slice(2)).toEqual([
      {
        method: 'setQueueAttributes',
        input: { queueName: 'orders', attributes: { VisibilityTimeout: '60' } },
      },
      { method: 'untagQueue', input: { queueName: 'orders', tagKeys: ['old'] } },
      { method: 'tagQueue', input: { queueName: 'orders', tags: { team: 'shop', env: 'prod' } } },
    ]);
    expect(outcomes.map(describeOutcome)).toEqual([
      'orders: updated attributes VisibilityTimeout; tags added team, changed env, removed old',
    ]);
  });

  it('asks only for the attributes it compares, FifoQueue for a FIFO queue', async () => {
    const engine = fakeEngine({ getQueueAttributes: async () => ({ FifoQueue: 'true' }) });

    const outcomes = await applyQueues(engine, plan([{ name: 'jobs.fifo' }]));

    expect(engine.calls).toEqual([
      { method: 'getQueueAttributes', input: { queueName: 'jobs.fifo', attributeNames: ['FifoQueue'] } },
    ]);
    expect(outcomes.map(describeOutcome)).toEqual(['jobs.fifo: unchanged']);
  });
});

import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Invoker } from '../../lambda/consumers/ports.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { pollUntil, sleep } from '../helpers/poll.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

/** Each invocation's start time and receive counts; fails the first delivery of bodies starting with "fail". */
function recorder(queueName: string): {
  starts: { atMs: number; body: string; receiveCount: string }[];
  invoker: Invoker;
} {
  const starts: { atMs: number; body: string; receiveCount: string }[] = [];
  const invoker: Invoker = async (event) => {
    const record = event.Records[0];
    const receiveCount = record?.attributes.ApproximateReceiveCount ?? '';
    starts.push({ atMs: Date.now(), body: record?.body ?? '', receiveCount });
    if (record?.body.startsWith('fail') && receiveCount === '1') {
      return { kind: 'failed', error: { name: 'Error', message: `first try of ${record.body}` } };
    }
    return { kind: 'returned', payload: null };
  };
  void queueName;
  return { starts, invoker };
}

describe('local consumers are pushed, not polling', () => {
  it('invokes nothing and receives at most once (the start-up wake) while the queue stays empty', async () => {
    const queueName = uniqueQueueName('idle');
    await stack.createQueue(queueName);
    const { starts, invoker } = recorder(queueName);

    stack.consume({ queueName }, invoker);
    await sleep(3_000);

    expect(starts).toEqual([]);
    expect(stack.receivesOf(queueName)).toBeLessThanOrEqual(1);
  });

  it('invokes for a delayed message once it is due, by a timer rather than by polling', async () => {
    const queueName = uniqueQueueName('delayed');
    const url = await stack.createQueue(queueName);
    const { starts, invoker } = recorder(queueName);
    stack.consume({ queueName }, invoker);
    await pollUntil(async () => stack.receivesOf(queueName) >= 1, 10_000, 20);

    const sentAtMs = Date.now();
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 2 }));
    await pollUntil(async () => starts.length > 0, 15_000, 20);

    expect(starts[0]?.body).toBe('later');
    expect(starts[0]?.atMs).toBeGreaterThanOrEqual(sentAtMs + 2_000);
    // The start-up wake, then the due timer's receive and the empty one that ends its poller.
    expect(stack.receivesOf(queueName)).toBeLessThanOrEqual(3);
  });

  it('invokes again when a failed batch becomes visible, by a timer rather than by polling', async () => {
    const queueName = uniqueQueueName('retry');
    const url = await stack.createQueue(queueName, { VisibilityTimeout: '2' });
    const { starts, invoker } = recorder(queueName);
    stack.consume({ queueName }, invoker);
    await pollUntil(async () => stack.receivesOf(queueName) >= 1, 10_000, 20);

    await stack.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'fail-once' }));
    await pollUntil(async () => starts.length >= 2, 15_000, 20);

    expect(starts.map((start) => start.receiveCount)).toEqual(['1', '2']);
    expect(starts[1]?.atMs).toBeGreaterThanOrEqual((starts[0]?.atMs ?? 0) + 2_000 - 100);
    // Start-up, the send's wake (its receive and the empty one after), the retry's (the same two).
    expect(stack.receivesOf(queueName)).toBeLessThanOrEqual(5);
  });
});

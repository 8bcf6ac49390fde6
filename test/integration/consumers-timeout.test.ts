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

describe('a handler that outlives its timeout', () => {
  it('times out, keeps its message from any other invocation while it still runs, and gets it back after', async () => {
    const queueName = uniqueQueueName('timeout');
    const url = await stack.createQueue(queueName, { VisibilityTimeout: '2' });
    const runs: { startMs: number; endMs?: number; receiveCount: string }[] = [];
    const invoker: Invoker = async (event) => {
      const run: { startMs: number; endMs?: number; receiveCount: string } = {
        startMs: Date.now(),
        receiveCount: event.Records[0]?.attributes.ApproximateReceiveCount ?? '',
      };
      runs.push(run);
      // The first run goes on long past its 1 s timeout and past the queue's 2 s visibility timeout.
      if (runs.length === 1) await sleep(5_000);
      run.endMs = Date.now();
      return { kind: 'returned', payload: null };
    };
    stack.consume({ queueName, timeoutMs: 1_000 }, invoker);

    await stack.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow' }));
    await pollUntil(async () => runs.length >= 2 && runs[1]?.endMs !== undefined, 20_000, 50);

    const [first, second] = runs;
    expect(second?.startMs).toBeGreaterThanOrEqual(first?.endMs ?? Number.POSITIVE_INFINITY);
    expect(runs.map((run) => run.receiveCount)).toEqual(['1', '2']);
    const timedOut = stack.invocations.find((report) => report.queueName === queueName);
    expect(timedOut).toMatchObject({ outcome: 'timeout', deleted: 0, kept: 1 });
    expect(timedOut?.error?.message).toMatch(/^Task timed out after \d+\.\d\d seconds$/);
  }, 30_000);
});

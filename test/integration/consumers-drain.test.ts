import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsumerDispatcher } from '../../lambda/consumers/dispatcher.js';
import { MemoryConcurrencySlots } from '../../lambda/consumers/memory-slots.js';
import type { Invoker } from '../../lambda/consumers/ports.js';
import { validateConsumerSettings } from '../../lambda/consumers/settings.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

async function queueWith(count: number, attributes: Record<string, string> = {}): Promise<string> {
  const queueName = uniqueQueueName('drain');
  const url = await stack.createQueue(queueName, attributes);
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, index) => ({
      Id: String(index),
      MessageBody: `m-${start + index}`,
    }));
    await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  }
  return queueName;
}

function dispatcherFor(queueName: string, invoker: Invoker, timeoutMs = 3_000): ConsumerDispatcher {
  const validated = validateConsumerSettings(
    { queueName, batchSize: 10, maxConcurrency: 4, timeoutMs },
    false,
  );
  if ('issues' in validated) throw new Error('bad settings');
  return new ConsumerDispatcher({
    engine: stack.service.engine,
    settings: validated.settings,
    invoker,
    slots: new MemoryConcurrencySlots(),
  });
}

describe('ConsumerDispatcher.drain, as a Lambda-hosted dispatcher calls it', () => {
  it('invokes until the queue is empty and reports every invocation', async () => {
    const queueName = await queueWith(35);
    const bodies: string[] = [];
    const dispatcher = dispatcherFor(queueName, async (event) => {
      bodies.push(...event.Records.map((record) => record.body));
      return { kind: 'returned', payload: null };
    });

    const report = await dispatcher.drain(Date.now() + 60_000);

    expect(new Set(bodies).size).toBe(35);
    expect(report.invocations.reduce((sum, each) => sum + each.deleted, 0)).toBe(bodies.length);
    expect(report.invocations.every((each) => each.outcome === 'success')).toBe(true);
    expect(report.stoppedEarly).toBe(false);
    expect(report.wakeAtMs).toBeUndefined();
  });

  it('reports when kept records come back, and starts no batch whose timeout would not fit', async () => {
    const queueName = await queueWith(3, { VisibilityTimeout: '5' });
    const failing = dispatcherFor(queueName, async () => ({ kind: 'failed', error: { message: 'no' } }));
    const tooShort = dispatcherFor(queueName, async () => ({ kind: 'returned', payload: null }), 10_000);

    const startMs = Date.now();
    const failed = await failing.drain(startMs + 60_000);
    const skipped = await tooShort.drain(Date.now() + 5_000);

    expect(failed.invocations.map((each) => each.outcome)).toContain('error');
    expect(failed.wakeAtMs).toBeGreaterThanOrEqual(startMs + 5_000);
    expect(skipped).toEqual({ invocations: [], filtered: 0, stoppedEarly: true });
  });
});

import { describe, expect, it } from 'vitest';
import type { ConsumerRegistration, DispatchKick } from '../../lambda/dispatch/consumer-registration.js';
import { ConsumerRegistry } from '../../lambda/dispatch/consumer-registry.js';
import { DispatcherKicks, KICK_AHEAD_MS } from '../../lambda/dispatch/dispatcher-kicks.js';

const NOW_MS = 1_800_000_000_000;

function registration(queueName: string, enabled = true): ConsumerRegistration {
  return {
    consumerId: `c-${queueName}`,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${queueName}`,
    settings: {
      queueName,
      batchSize: 10,
      maxBatchingWindowMs: 0,
      reportBatchItemFailures: false,
      maxConcurrency: 1_250,
      filters: [],
      enabled,
      timeoutMs: 3_000,
    },
    createdMs: NOW_MS,
    modifiedMs: NOW_MS,
  };
}

function kicksFor(registrations: ConsumerRegistration[]) {
  const sent: DispatchKick[] = [];
  let reads = 0;
  const registry = new ConsumerRegistry(
    {
      list: async () => {
        reads += 1;
        return registrations;
      },
    },
    { nowMs: () => NOW_MS },
  );
  const kicks = new DispatcherKicks({
    registry,
    kick: async (kick) => {
      sent.push(kick);
    },
    onError: (error) => {
      throw error;
    },
    nowMs: () => NOW_MS,
  });
  return { kicks, sent, reads: () => reads };
}

describe('DispatcherKicks', () => {
  it('kicks once per queue with an enabled consumer, and not for other queues', async () => {
    const { kicks, sent, reads } = kicksFor([registration('orders'), registration('paused', false)]);

    kicks.messagesSent('orders', [10, 20], [NOW_MS, NOW_MS]);
    kicks.messagesSent('orders', [10], [NOW_MS]);
    kicks.messagesSent('paused', [10], [NOW_MS]);
    kicks.messagesSent('other', [10], [NOW_MS]);
    kicks.messagesMovedIn('other');
    await kicks.settle();

    expect(sent).toEqual([{ queueName: 'orders' }]);
    expect(reads()).toBe(1);
  });

  it('kicks a move into a consumed queue', async () => {
    const { kicks, sent } = kicksFor([registration('orders')]);

    kicks.messagesMovedIn('orders');
    await kicks.settle();

    expect(sent).toEqual([{ queueName: 'orders' }]);
  });

  it('kicks a delayed send with its due time when it is near, and leaves a later one to the background job', async () => {
    const { kicks, sent } = kicksFor([registration('orders')]);

    kicks.messagesSent('orders', [10, 10], [NOW_MS + 5_000, NOW_MS + 9_000]);
    kicks.messagesSent('orders', [10], [NOW_MS + KICK_AHEAD_MS + 1]);
    await kicks.settle();

    expect(sent).toEqual([{ queueName: 'orders', notBeforeMs: NOW_MS + 5_000 }]);
  });

  it('reports a kick that fails instead of throwing, and settles', async () => {
    const failures: string[] = [];
    const kicks = new DispatcherKicks({
      registry: { consumersOf: async () => [registration('orders')] },
      kick: async () => {
        throw new Error('TooManyRequestsException');
      },
      onError: (error, kick) => failures.push(`${kick.queueName}: ${(error as Error).message}`),
    });

    kicks.messagesSent('orders', [1], [Date.now()]);
    await kicks.settle();

    expect(failures).toEqual(['orders: TooManyRequestsException']);
  });
});

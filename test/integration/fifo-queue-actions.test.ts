import { describe, expect, it } from 'vitest';
import { bodyOf, createFifoQueue, sendToGroup } from '../helpers/fifo.js';
import { pollFor, pollUntil } from '../helpers/poll.js';
import { catchError, expectedError, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;
const bodies = (group: string, count: number) => Array.from({ length: count }, (_, i) => bodyOf(group, i));

/** Polls the three counts until they read `expected` (they are approximate in SQS) and returns them. */
async function countsBecome(queue: TestQueue, expected: readonly number[]): Promise<number[]> {
  const read = async () => {
    const attributes = await queue.getAttributes([...COUNTS]);
    return COUNTS.map((name) => Number(attributes[name]));
  };
  return pollFor(read, (now) => now.join() === expected.join());
}

describe.each(PROTOCOLS)('FIFO queue actions over %s', (protocol) => {
  it('counts visible and in-flight FIFO messages as they are sent, received and deleted', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });

    await sendToGroup(queue, 'a', bodies('a', 3));
    expect(await countsBecome(queue, [3, 0, 0])).toEqual([3, 0, 0]);

    const received = await queue.receive({ maxNumberOfMessages: 10 });
    expect(received.map((m) => m.body)).toEqual(bodies('a', 3));
    expect(await countsBecome(queue, [0, 3, 0])).toEqual([0, 3, 0]);

    await sendToGroup(queue, 'b', bodies('b', 1));
    expect(await countsBecome(queue, [1, 3, 0])).toEqual([1, 3, 0]);

    await queue.delete(received[0]?.receiptHandle ?? '');
    expect(await countsBecome(queue, [1, 2, 0])).toEqual([1, 2, 0]);
  });

  it("counts messages held back by the queue's DelaySeconds as delayed", async () => {
    const queue = await createFifoQueue(protocol, { DelaySeconds: '2' });

    await sendToGroup(queue, 'g', bodies('g', 2));

    expect(await countsBecome(queue, [0, 0, 2])).toEqual([0, 0, 2]);
    expect(await countsBecome(queue, [2, 0, 0])).toEqual([2, 0, 0]);
  });

  it('purges visible and in-flight messages of every group', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '1' });
    await sendToGroup(queue, 'a', bodies('a', 3));
    await sendToGroup(queue, 'b', bodies('b', 3));
    await queue.receive({ maxNumberOfMessages: 2 });

    await queue.purge();

    expect(await countsBecome(queue, [0, 0, 0])).toEqual([0, 0, 0]);
    // Longer than the visibility timeout: nothing in flight comes back either.
    expect(await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 2 })).toEqual([]);
  });

  it('frees a group that was in flight when the queue was purged', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '300' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    await queue.receive({ maxNumberOfMessages: 10 });
    await queue.purge();
    await countsBecome(queue, [0, 0, 0]);

    await sendToGroup(queue, 'g', ['g-after-purge']);

    // Far sooner than the 300 s timeout of the purged messages.
    const received = await pollFor(
      () => queue.receive({ maxNumberOfMessages: 10 }),
      (messages) => messages.length > 0,
      5_000,
    );
    expect(received.map((m) => m.body)).toEqual(['g-after-purge']);
  });

  it('deletes a FIFO queue with messages in flight, so it no longer answers', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    await queue.receive();

    await queue.deleteQueue();

    const lookup = await pollUntil(
      () => catchError(queue.api.getQueueUrl(queue.name)).catch(() => undefined),
      5_000,
    );
    const send = await catchError(
      queue.send('late', { messageGroupId: 'g', messageDeduplicationId: 'late' }),
    );
    const receive = await catchError(queue.receive());
    for (const error of [lookup, send, receive]) {
      expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
    }
  });
});

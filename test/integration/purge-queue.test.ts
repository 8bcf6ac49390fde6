import { describe, expect, it } from 'vitest';
import { pollFor } from '../helpers/poll.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

describe.each(PROTOCOLS)('PurgeQueue over %s', (protocol) => {
  it('removes visible, in-flight and delayed messages', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await queue.sendBatch([
      { id: 'visible', body: 'visible' },
      { id: 'inflight', body: 'in flight' },
      { id: 'delayed', body: 'delayed', delaySeconds: 1 },
    ]);
    await queue.receive();

    await queue.purge();

    // SQS may take up to 60 s to purge; ours should be done within a few seconds.
    const counts = await pollFor(
      () => queue.getAttributes(COUNTS),
      (now) => COUNTS.every((name) => now[name] === '0'),
    );
    expect(counts).toEqual(Object.fromEntries(COUNTS.map((name) => [name, '0'])));
    // Longer than both the visibility timeout and the delay: nothing comes back.
    expect(await queue.receive({ waitTimeSeconds: 2, maxNumberOfMessages: 10 })).toEqual([]);
  });

  it('answers a second purge within 60 seconds with PurgeQueueInProgress (403)', async () => {
    const queue = await createTestQueue(protocol);
    await queue.purge();

    const error = await catchError(queue.purge());

    expect(error).toMatchObject(expectedError(protocol, 'PurgeQueueInProgress', 403));
  });

  it('purges an empty queue', async () => {
    const queue = await createTestQueue(protocol);

    await queue.purge();

    expect(await queue.receive()).toEqual([]);
  });

  it('answers QueueDoesNotExist for a queue that is gone', async () => {
    const queue = await createTestQueue(protocol);
    await queue.deleteQueue();

    const error = await catchError(queue.purge());

    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });
});

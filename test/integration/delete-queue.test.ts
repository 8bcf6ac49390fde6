import { describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('DeleteQueue over %s', (protocol) => {
  it('deletes the queue with its messages, so its name no longer resolves', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('left behind');

    await queue.deleteQueue();

    // SQS allows deletion a while to take effect; ours should be quick, so wait at most 5 s.
    const error = await pollUntil(
      () => catchError(queue.api.getQueueUrl(queue.name)).catch(() => undefined),
      5_000,
    );
    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });

  it('removes the queue from ListQueues', async () => {
    const queue = await createTestQueue(protocol);

    await queue.deleteQueue();

    const listed = await pollUntil(async () => {
      const { queueUrls } = await queue.api.listQueues({ queueNamePrefix: queue.name });
      return queueUrls.length === 0 ? queueUrls : undefined;
    }, 5_000);
    expect(listed).toEqual([]);
  });

  it('answers QueueDoesNotExist to actions on the deleted queue', async () => {
    const queue = await createTestQueue(protocol);
    await queue.deleteQueue();

    const send = await catchError(queue.send('too late'));
    const receive = await catchError(queue.receive());
    const attributes = await catchError(queue.getAttributes());

    for (const error of [send, receive, attributes]) {
      expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
    }
  });

  it('answers QueueDoesNotExist when the queue is already gone', async () => {
    const queue = await createTestQueue(protocol);
    await queue.deleteQueue();

    const error = await catchError(queue.deleteQueue());

    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });
});

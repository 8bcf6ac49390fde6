import { describe, expect, it } from 'vitest';
import {
  ALL_ATTRIBUTES,
  createDeadLetterPair,
  type DeadLetterPair,
  visibleCount,
} from '../helpers/dead-letter.js';
import { bodyOf, receiveAndDeleteAll, sendToGroup } from '../helpers/fifo.js';
import { pollFor } from '../helpers/poll.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import { PROTOCOLS } from '../helpers/test-queue.js';

const MAX_RECEIVE_COUNT = 2;

function createFifoPair(protocol: (typeof PROTOCOLS)[number]): Promise<DeadLetterPair> {
  return createDeadLetterPair(protocol, { fifo: true, maxReceiveCount: MAX_RECEIVE_COUNT });
}

/**
 * Receives one message at a time with VisibilityTimeout 0 and never deletes it, until `inDeadLetterQueue`
 * messages wait in the DLQ. Each receive gets the head of the first group that has one, so the head of
 * a failing group is received until it moves, then the next message of that group takes its place.
 */
async function failHeadsUntil(pair: DeadLetterPair, inDeadLetterQueue: number): Promise<ReceivedMessage[]> {
  const deliveries: ReceivedMessage[] = [];
  await pollFor(
    async () => {
      deliveries.push(...(await pair.source.receive({ visibilityTimeout: 0, ...ALL_ATTRIBUTES })));
      return visibleCount(pair.dlq);
    },
    (count) => count >= inDeadLetterQueue,
    15_000,
    0,
  );
  return deliveries;
}

describe.each(PROTOCOLS)('FIFO dead-letter queue over %s', (protocol) => {
  it('moves the head of a group after maxReceiveCount receives; the rest of the group follows in order', async () => {
    const pair = await createFifoPair(protocol);
    const bodies = [0, 1, 2].map((i) => bodyOf('g', i));
    const sent = await sendToGroup(pair.source, 'g', bodies);

    const failed: ReceivedMessage[] = [];
    for (let i = 0; i < MAX_RECEIVE_COUNT; i++) {
      failed.push(...(await pair.source.receive({ visibilityTimeout: 0, waitTimeSeconds: 1 })));
    }
    // The first receive here is the one that moves the head; it may already return the next message.
    const rest = await receiveAndDeleteAll(pair.source, 2);
    const afterwards = await pair.source.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

    // Only the head was ever delivered while it failed: it kept the group locked until it moved.
    expect(failed.map((m) => m.body)).toEqual([bodies[0], bodies[0]]);
    expect(rest.map((m) => m.body)).toEqual(bodies.slice(1));
    expect(afterwards).toEqual([]);
    const [moved] = await pair.dlq.receiveAll(1, ALL_ATTRIBUTES);
    expect(moved?.messageId).toBe(sent[0]?.messageId);
    expect(moved?.body).toBe(bodies[0]);
  });

  it("keeps MessageGroupId and replaces the deduplication id with the original message's MessageId", async () => {
    const pair = await createFifoPair(protocol);
    const [sent] = await sendToGroup(pair.source, 'g', ['poison']);

    await failHeadsUntil(pair, 1);
    const [moved] = await pair.dlq.receiveAll(1, ALL_ATTRIBUTES);

    expect(moved?.messageId).toBe(sent?.messageId);
    expect(moved?.attributes.MessageGroupId).toBe('g');
    expect(moved?.attributes.MessageDeduplicationId).toBe(sent?.messageId);
    expect(moved?.attributes.SequenceNumber).toMatch(/^\d+$/);
    expect(moved?.attributes.DeadLetterQueueSourceArn).toBe(pair.source.arn);
  });

  it('keeps the relative order of a group in the dead-letter queue, and other groups are unaffected', async () => {
    const pair = await createFifoPair(protocol);
    const failing = [0, 1, 2].map((i) => bodyOf('bad', i));
    const healthy = [0, 1, 2].map((i) => bodyOf('ok', i));
    await sendToGroup(pair.source, 'bad', failing);
    await sendToGroup(pair.source, 'ok', healthy);

    // A consumer that fails every message of group `bad` and handles every message of group `ok`.
    const handled: string[] = [];
    const failures: string[] = [];
    await pollFor(
      async () => {
        for (const message of await pair.source.receive({ maxNumberOfMessages: 1 })) {
          if (message.body.startsWith('bad-')) {
            failures.push(message.body);
            await pair.source.changeVisibility(message.receiptHandle, 0);
          } else {
            await pair.source.delete(message.receiptHandle);
            handled.push(message.body);
          }
        }
        return visibleCount(pair.dlq);
      },
      (inDeadLetterQueue) => inDeadLetterQueue >= failing.length && handled.length === healthy.length,
      20_000,
      0,
    );
    const inDeadLetterQueue = await receiveAndDeleteAll(pair.dlq, failing.length, ALL_ATTRIBUTES);

    expect(handled).toEqual(healthy);
    expect(failures).toEqual(failing.flatMap((body) => [body, body]));
    expect(inDeadLetterQueue.map((m) => m.body)).toEqual(failing);
    expect(inDeadLetterQueue.map((m) => m.attributes.MessageGroupId)).toEqual(['bad', 'bad', 'bad']);
  });
});

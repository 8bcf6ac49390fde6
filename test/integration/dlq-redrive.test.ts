import { describe, expect, it } from 'vitest';
import {
  ALL_ATTRIBUTES,
  createDeadLetterPair,
  type DeadLetterPair,
  deadLetterAll,
  redrivePolicy,
  visibleCount,
} from '../helpers/dead-letter.js';
import { pollFor } from '../helpers/poll.js';
import type { MessageAttributeMap, ReceivedMessage } from '../helpers/sqs-api.js';
import { createTestQueue, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const MAX_RECEIVE_COUNT = 3;

const ATTRIBUTES: MessageAttributeMap = {
  text: { dataType: 'String', stringValue: 'caf\u00e9' },
  count: { dataType: 'Number', stringValue: '42' },
  blob: { dataType: 'Binary', binaryValue: Uint8Array.from([0, 1, 254, 255]) },
};

/**
 * Receives the only message of `source` `times` times, making it visible again at once each time
 * (VisibilityTimeout 0 on the receive), and returns each delivery. A long poll of 1 s makes each
 * receive find the message even if a short poll would have missed it.
 */
async function receiveWithoutDeleting(source: TestQueue, times: number): Promise<ReceivedMessage[]> {
  const deliveries: ReceivedMessage[] = [];
  for (let i = 0; i < times; i++) {
    deliveries.push(
      ...(await source.receive({ visibilityTimeout: 0, waitTimeSeconds: 1, ...ALL_ATTRIBUTES })),
    );
  }
  return deliveries;
}

/** The one message the DLQ holds, received with every attribute (polling while the move lands). */
async function receiveMoved(pair: DeadLetterPair): Promise<ReceivedMessage> {
  const [moved, ...others] = await pair.dlq.receiveAll(1, ALL_ATTRIBUTES);
  expect(others).toEqual([]);
  if (moved === undefined) throw new Error('no message arrived in the dead-letter queue');
  return moved;
}

describe.each(PROTOCOLS)('Dead-letter queue redrive over %s', (protocol) => {
  it('delivers a message maxReceiveCount times, then moves it on the next receive instead of delivering it', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: MAX_RECEIVE_COUNT });
    const sent = await pair.source.send('poison');

    const deliveries = await receiveWithoutDeleting(pair.source, MAX_RECEIVE_COUNT);
    const afterLimit = await pair.source.receive({ waitTimeSeconds: 1 });
    const moved = await receiveMoved(pair);

    expect(deliveries.map((m) => m.messageId)).toEqual([sent.messageId, sent.messageId, sent.messageId]);
    expect(deliveries.map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(afterLimit).toEqual([]);
    expect(moved.messageId).toBe(sent.messageId);
  });

  it('keeps MessageId, body, message attributes, MD5s and SentTimestamp in the dead-letter queue', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: MAX_RECEIVE_COUNT });
    const sent = await pair.source.send('poison with attributes', { messageAttributes: ATTRIBUTES });
    const [first] = await receiveWithoutDeleting(pair.source, MAX_RECEIVE_COUNT);

    await pair.source.receive({ waitTimeSeconds: 1 });
    const moved = await receiveMoved(pair);

    expect(moved.messageId).toBe(sent.messageId);
    expect(moved.body).toBe('poison with attributes');
    expect(moved.md5OfBody).toBe(sent.md5OfMessageBody);
    expect(moved.md5OfMessageAttributes).toBe(sent.md5OfMessageAttributes);
    expect(moved.messageAttributes).toEqual(ATTRIBUTES);
    expect(moved.attributes.SentTimestamp).toBe(first?.attributes.SentTimestamp);
    expect(moved.attributes.SenderId).toBe(first?.attributes.SenderId);
  });

  it('adds the DeadLetterQueueSourceArn system attribute, with All and by name', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
    await pair.source.send('poison');
    const [inSource] = await receiveWithoutDeleting(pair.source, 1);

    await pair.source.receive({ waitTimeSeconds: 1 });
    const withAll = await receiveMoved(pair);
    await pair.dlq.changeVisibility(withAll.receiptHandle, 0);
    const [byName] = await pair.dlq.receiveAll(1, {
      messageSystemAttributeNames: ['DeadLetterQueueSourceArn'],
    });

    expect(inSource?.attributes).not.toHaveProperty('DeadLetterQueueSourceArn');
    expect(withAll.attributes.DeadLetterQueueSourceArn).toBe(pair.source.arn);
    expect(byName?.attributes).toEqual({ DeadLetterQueueSourceArn: pair.source.arn });
  });

  // Not in the developer guide: reports from real queues show the count carried over from the source
  // (maxReceiveCount 5 -> the first receive from the DLQ reads 6).
  it('carries the receive count over: the first receive from the dead-letter queue reads maxReceiveCount + 1', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: MAX_RECEIVE_COUNT });
    await pair.source.send('poison');
    await receiveWithoutDeleting(pair.source, MAX_RECEIVE_COUNT);

    await pair.source.receive({ waitTimeSeconds: 1 });
    const moved = await receiveMoved(pair);

    expect(moved.attributes.ApproximateReceiveCount).toBe(String(MAX_RECEIVE_COUNT + 1));
  });

  it('never delivers a moved message from the source again and leaves other messages alone', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 2 });
    const poison = await pair.source.send('poison');
    const good = ['good-1', 'good-2', 'good-3'];
    for (const body of good) await pair.source.send(body);

    // A consumer that deletes every message except the poison one, until the poison one has moved.
    const poisonDeliveries: string[] = [];
    const handled: string[] = [];
    await pollFor(
      async () => {
        for (const message of await pair.source.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 })) {
          if (message.body === 'poison') {
            poisonDeliveries.push(message.attributes.ApproximateReceiveCount ?? '');
          } else {
            await pair.source.delete(message.receiptHandle);
            handled.push(message.body);
          }
        }
        return visibleCount(pair.dlq);
      },
      (inDeadLetterQueue) => inDeadLetterQueue === 1 && handled.length === good.length,
      15_000,
      0,
    );
    const laterReceives = [
      ...(await pair.source.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 })),
      ...(await pair.source.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 })),
    ];
    const inDeadLetterQueue = await pair.dlq.receiveAll(1, {}, 5_000);
    const alsoInDeadLetterQueue = await pair.dlq.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

    expect(poisonDeliveries).toHaveLength(2);
    expect(handled.sort()).toEqual(good);
    expect(laterReceives).toEqual([]);
    expect(inDeadLetterQueue.map((m) => m.messageId)).toEqual([poison.messageId]);
    expect(alsoInDeadLetterQueue).toEqual([]);
    expect(
      await pair.source.getAttributes([
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ]),
    ).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it("counts moved messages in the dead-letter queue's ApproximateNumberOfMessages", async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
    await pair.source.sendBatch(['a', 'b', 'c'].map((body) => ({ id: body, body })));

    await deadLetterAll(pair, 3);
    const counts = await pollFor(
      () => pair.dlq.getAttributes(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
      (now) => now.ApproximateNumberOfMessages === '3',
    );

    expect(counts).toEqual({ ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(
      await pair.source.getAttributes([
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ]),
    ).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('moves a message whose visibility timeout lapsed maxReceiveCount times, with the policy set by SetQueueAttributes', async () => {
    const dlq = await createTestQueue(protocol);
    const source = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await source.setAttributes({ RedrivePolicy: redrivePolicy(dlq.arn, 2) });
    const sent = await source.send('slow consumer');

    // Each receive holds the message for the queue's 1 s timeout; the next long poll waits it out.
    const deliveries: ReceivedMessage[] = [];
    for (let i = 0; i < 3; i++) deliveries.push(...(await source.receive({ waitTimeSeconds: 2 })));
    const [moved] = await dlq.receiveAll(1, ALL_ATTRIBUTES);

    expect(deliveries.map((m) => m.messageId)).toEqual([sent.messageId, sent.messageId]);
    expect(moved?.messageId).toBe(sent.messageId);
    expect(moved?.attributes.DeadLetterQueueSourceArn).toBe(source.arn);
  });
});

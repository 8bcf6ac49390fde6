import { describe, expect, it } from 'vitest';
import { pollFor } from '../helpers/poll.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import {
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  type TestQueue,
} from '../helpers/test-queue.js';

async function sendMany(queue: TestQueue, count: number): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    const size = Math.min(10, count - start);
    await queue.sendBatch(Array.from({ length: size }, (_, i) => ({ id: `m${i}`, body: `${start + i}` })));
  }
}

/** Receives until the message is delivered again (its visibility timeout ran out). */
async function receiveAgain(queue: TestQueue, options = {}): Promise<ReceivedMessage> {
  const messages = await pollFor(
    () => queue.receive(options),
    (received) => received.length > 0,
    10_000,
  );
  return messages[0] as ReceivedMessage;
}

describe.each(PROTOCOLS)('ReceiveMessage over %s', (protocol) => {
  it('returns one message by default', async () => {
    const queue = await createTestQueue(protocol);
    await sendMany(queue, 3);

    const received = await queue.receive();

    expect(received).toHaveLength(1);
  });

  it('returns up to MaxNumberOfMessages, never more than ten', async () => {
    const queue = await createTestQueue(protocol);
    await sendMany(queue, 15);

    const received = await pollFor(
      () => queue.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 }),
      (messages) => messages.length === 10,
    );

    expect(received).toHaveLength(10);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(10);
  });

  it('returns an empty list from an empty queue', async () => {
    const queue = await createTestQueue(protocol);

    const received = await queue.receive({ maxNumberOfMessages: 10 });

    expect(received).toEqual([]);
  });

  it.each([0, 11])('rejects MaxNumberOfMessages %i as InvalidParameterValue', async (maxNumberOfMessages) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.receive({ maxNumberOfMessages }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('hides a received message while its visibility timeout runs', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '30' });
    await queue.send('hello');

    const first = await queue.receive();
    const second = await queue.receive();

    expect(first.map((m) => m.body)).toEqual(['hello']);
    expect(second).toEqual([]);
  });

  it("lets the request's VisibilityTimeout override the queue's", async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '300' });
    await queue.send('short lease');
    const receivedAtMs = Date.now();
    const [first] = await queue.receive({ visibilityTimeout: 1 });

    const again = await receiveAgain(queue);

    expect(again.messageId).toBe(first?.messageId);
    expect(Date.now() - receivedAtMs).toBeGreaterThanOrEqual(900);
  });

  it('rejects VisibilityTimeout above 43200 as InvalidParameterValue', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.receive({ visibilityTimeout: 43_201 }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it.each([
    ['MessageSystemAttributeNames', 'messageSystemAttributeNames'],
    ['the older AttributeNames', 'attributeNames'],
  ] as const)('returns every system attribute for All in %s', async (_name, option) => {
    const queue = await createTestQueue(protocol);
    const sentAtMs = Date.now();
    await queue.send('attributes');

    const [received] = await queue.receiveAll(1, { [option]: ['All'] });

    const attributes = received?.attributes ?? {};
    expect(Object.keys(attributes).sort()).toEqual(
      expect.arrayContaining([
        'ApproximateFirstReceiveTimestamp',
        'ApproximateReceiveCount',
        'SenderId',
        'SentTimestamp',
      ]),
    );
    expect(attributes.ApproximateReceiveCount).toBe('1');
    expect(attributes.SenderId).toMatch(/\S/);
    const sent = Number(attributes.SentTimestamp);
    const firstReceive = Number(attributes.ApproximateFirstReceiveTimestamp);
    expect(attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(sent).toBeGreaterThanOrEqual(sentAtMs - 1_000);
    expect(sent).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(firstReceive).toBeGreaterThanOrEqual(sent);
    expect(firstReceive).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('returns only the system attributes asked for', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('one attribute');

    const [received] = await queue.receiveAll(1, { messageSystemAttributeNames: ['SentTimestamp'] });

    expect(Object.keys(received?.attributes ?? {})).toEqual(['SentTimestamp']);
  });

  it('returns no system attributes when none are asked for', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('no attributes');

    const [received] = await queue.receiveAll(1);

    expect(received?.attributes).toEqual({});
  });

  it('counts receives in ApproximateReceiveCount and keeps ApproximateFirstReceiveTimestamp', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await queue.send('again and again');
    const options = { messageSystemAttributeNames: ['All'] };

    const first = await receiveAgain(queue, options);
    const second = await receiveAgain(queue, options);
    const third = await receiveAgain(queue, options);

    expect([first, second, third].map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(second.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(third.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(new Set([first, second, third].map((m) => m.receiptHandle)).size).toBe(3);
  });

  it('delivers a message again after its visibility timeout with the same body and MessageId', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    const sent = await queue.send('redelivered');

    const first = await receiveAgain(queue);
    const second = await receiveAgain(queue);

    expect(second).toMatchObject({
      messageId: sent.messageId,
      body: 'redelivered',
      md5OfBody: first.md5OfBody,
    });
    expect(second.receiptHandle).not.toBe(first.receiptHandle);
  });
});

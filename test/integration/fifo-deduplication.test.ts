import { describe, expect, it } from 'vitest';
import { createFifoQueue, receiveAndDeleteAll } from '../helpers/fifo.js';
import { pollFor } from '../helpers/poll.js';
import { PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const COUNTS = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'];

/** Waits until the queue holds nothing, visible or in flight, and says so. */
async function isEmpty(queue: TestQueue): Promise<boolean> {
  const counts = await pollFor(
    () => queue.getAttributes(COUNTS),
    (now) => COUNTS.every((name) => now[name] === '0'),
  );
  const late = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });
  return COUNTS.every((name) => counts[name] === '0') && late.length === 0;
}

describe.each(PROTOCOLS)('FIFO deduplication over %s', (protocol) => {
  it('accepts a duplicate MessageDeduplicationId and returns the original MessageId and SequenceNumber', async () => {
    const queue = await createFifoQueue(protocol);
    const original = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });

    const duplicate = await queue.send('duplicate', { messageGroupId: 'g', messageDeduplicationId: 'same' });
    const received = await receiveAndDeleteAll(queue, 1);

    expect(duplicate.messageId).toBe(original.messageId);
    expect(duplicate.sequenceNumber).toBe(original.sequenceNumber);
    expect(received.map((m) => m.body)).toEqual(['original']);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('does not enqueue a duplicate while the original is in flight', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    const original = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });
    const [inFlight] = await queue.receive();

    const duplicate = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });
    await queue.changeVisibility(inFlight?.receiptHandle ?? '', 0);
    const again = await queue.receive({ maxNumberOfMessages: 10 });

    expect(duplicate.messageId).toBe(original.messageId);
    expect(again.map((m) => m.messageId)).toEqual([original.messageId]);
  });

  it('does not enqueue a duplicate sent after the original was received and deleted', async () => {
    const queue = await createFifoQueue(protocol);
    const original = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });
    await receiveAndDeleteAll(queue, 1);

    const duplicate = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });

    expect(duplicate.messageId).toBe(original.messageId);
    expect(duplicate.sequenceNumber).toBe(original.sequenceNumber);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('deduplicates identical bodies with ContentBasedDeduplication', async () => {
    const queue = await createFifoQueue(protocol, { ContentBasedDeduplication: 'true' });

    const first = await queue.send('same body', { messageGroupId: 'g' });
    const second = await queue.send('same body', { messageGroupId: 'g' });
    const other = await queue.send('other body', { messageGroupId: 'g' });
    const received = await receiveAndDeleteAll(queue, 2);

    expect(second.messageId).toBe(first.messageId);
    expect(second.sequenceNumber).toBe(first.sequenceNumber);
    expect(other.messageId).not.toBe(first.messageId);
    expect(received.map((m) => m.body)).toEqual(['same body', 'other body']);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('hashes only the body for ContentBasedDeduplication, not the message attributes', async () => {
    const queue = await createFifoQueue(protocol, { ContentBasedDeduplication: 'true' });

    const first = await queue.send('same body', {
      messageGroupId: 'g',
      messageAttributes: { color: { dataType: 'String', stringValue: 'red' } },
    });
    const second = await queue.send('same body', {
      messageGroupId: 'g',
      messageAttributes: { color: { dataType: 'String', stringValue: 'blue' } },
    });

    expect(second.messageId).toBe(first.messageId);
  });

  it('lets an explicit MessageDeduplicationId override the content-based one', async () => {
    const queue = await createFifoQueue(protocol, { ContentBasedDeduplication: 'true' });

    const withX = await queue.send('same body', { messageGroupId: 'g', messageDeduplicationId: 'x' });
    const withY = await queue.send('same body', { messageGroupId: 'g', messageDeduplicationId: 'y' });
    const byContent = await queue.send('same body', { messageGroupId: 'g' });
    const otherBodyWithX = await queue.send('other body', {
      messageGroupId: 'g',
      messageDeduplicationId: 'x',
    });
    const received = await receiveAndDeleteAll(queue, 3);

    expect(new Set([withX.messageId, withY.messageId, byContent.messageId]).size).toBe(3);
    expect(otherBodyWithX.messageId).toBe(withX.messageId);
    expect(received.map((m) => m.messageId)).toEqual([withX.messageId, withY.messageId, byContent.messageId]);
  });

  it('treats an explicit id equal to the generated content-based id as a duplicate', async () => {
    const queue = await createFifoQueue(protocol, { ContentBasedDeduplication: 'true' });
    const first = await queue.send('first body', { messageGroupId: 'g' });
    const [received] = await receiveAndDeleteAll(queue, 1, {
      messageSystemAttributeNames: ['MessageDeduplicationId'],
    });
    const generatedId = received?.attributes.MessageDeduplicationId ?? '';

    const second = await queue.send('second body', {
      messageGroupId: 'g',
      messageDeduplicationId: generatedId,
    });

    expect(generatedId).not.toBe('');
    expect(second.messageId).toBe(first.messageId);
    expect(await isEmpty(queue)).toBe(true);
  });

  it.each([
    ['the default scope', {}],
    ['DeduplicationScope=queue', { DeduplicationScope: 'queue' }],
  ])('with %s, deduplicates the same id across groups', async (_, attributes) => {
    const queue = await createFifoQueue(protocol, attributes);

    const inA = await queue.send('in a', { messageGroupId: 'a', messageDeduplicationId: 'same' });
    const inB = await queue.send('in b', { messageGroupId: 'b', messageDeduplicationId: 'same' });
    const received = await receiveAndDeleteAll(queue, 1);

    expect(inB.messageId).toBe(inA.messageId);
    expect(inB.sequenceNumber).toBe(inA.sequenceNumber);
    expect(received.map((m) => m.body)).toEqual(['in a']);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('with DeduplicationScope=messageGroup, enqueues the same id once per group', async () => {
    const queue = await createFifoQueue(protocol, {
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });

    const inA = await queue.send('in a', { messageGroupId: 'a', messageDeduplicationId: 'same' });
    const inB = await queue.send('in b', { messageGroupId: 'b', messageDeduplicationId: 'same' });
    const againInA = await queue.send('again in a', { messageGroupId: 'a', messageDeduplicationId: 'same' });
    const received = await receiveAndDeleteAll(queue, 2);

    expect(inB.messageId).not.toBe(inA.messageId);
    expect(againInA.messageId).toBe(inA.messageId);
    expect(received.map((m) => m.body).sort()).toEqual(['in a', 'in b']);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('enqueues a duplicate inside one SendMessageBatch once, answering both entries with one MessageId', async () => {
    const queue = await createFifoQueue(protocol);

    const batch = await queue.sendBatch([
      { id: 'first', body: 'first', messageGroupId: 'g', messageDeduplicationId: 'same' },
      { id: 'repeat', body: 'repeat', messageGroupId: 'g', messageDeduplicationId: 'same' },
      { id: 'other', body: 'other', messageGroupId: 'g', messageDeduplicationId: 'other' },
    ]);
    const received = await receiveAndDeleteAll(queue, 2);

    const entry = (id: string) => batch.successful.find((e) => e.id === id);
    expect(batch.failed).toEqual([]);
    expect(batch.successful.map((e) => e.id).sort()).toEqual(['first', 'other', 'repeat']);
    expect(entry('repeat')?.messageId).toBe(entry('first')?.messageId);
    expect(entry('repeat')?.sequenceNumber).toBe(entry('first')?.sequenceNumber);
    expect(received.map((m) => m.body)).toEqual(['first', 'other']);
    expect(await isEmpty(queue)).toBe(true);
  });

  it('deduplicates a batch entry against an earlier SendMessage', async () => {
    const queue = await createFifoQueue(protocol);
    const original = await queue.send('original', { messageGroupId: 'g', messageDeduplicationId: 'same' });

    const batch = await queue.sendBatch([
      { id: 'repeat', body: 'repeat', messageGroupId: 'g', messageDeduplicationId: 'same' },
      { id: 'new', body: 'new', messageGroupId: 'g', messageDeduplicationId: 'new' },
    ]);
    const received = await receiveAndDeleteAll(queue, 2);

    expect(batch.failed).toEqual([]);
    expect(batch.successful.find((e) => e.id === 'repeat')?.messageId).toBe(original.messageId);
    expect(received.map((m) => m.body)).toEqual(['original', 'new']);
  });

  it('deduplicates identical bodies inside one batch with ContentBasedDeduplication', async () => {
    const queue = await createFifoQueue(protocol, { ContentBasedDeduplication: 'true' });

    const batch = await queue.sendBatch([
      { id: 'a', body: 'same body', messageGroupId: 'g' },
      { id: 'b', body: 'same body', messageGroupId: 'g' },
    ]);
    const received = await receiveAndDeleteAll(queue, 1);

    expect(batch.failed).toEqual([]);
    expect(batch.successful.find((e) => e.id === 'b')?.messageId).toBe(
      batch.successful.find((e) => e.id === 'a')?.messageId,
    );
    expect(received.map((m) => m.body)).toEqual(['same body']);
    expect(await isEmpty(queue)).toBe(true);
  });
});

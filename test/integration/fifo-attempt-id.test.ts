import { describe, expect, it } from 'vitest';
import { bodyOf, createFifoQueue, otherClient, sendToGroup } from '../helpers/fifo.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import { PROTOCOLS } from '../helpers/test-queue.js';

const bodies = (group: string, count: number) => Array.from({ length: count }, (_, i) => bodyOf(group, i));
const delivered = (messages: readonly ReceivedMessage[]) =>
  messages.map((m) => ({ messageId: m.messageId, body: m.body, receiptHandle: m.receiptHandle }));

describe.each(PROTOCOLS)('FIFO ReceiveRequestAttemptId over %s', (protocol) => {
  it('returns the same messages and receipt handles to a retry with the same attempt id', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'g', bodies('g', 3));
    const first = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });

    const retry = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });

    expect(first.map((m) => m.body)).toEqual(bodies('g', 3));
    expect(delivered(retry)).toEqual(delivered(first));
  });

  it('answers a retry from another client with the same attempt id alike', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    const other = await otherClient(queue);
    await sendToGroup(queue, 'g', bodies('g', 2));
    const first = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });

    const retry = await other.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });

    expect(first).toHaveLength(2);
    expect(delivered(retry)).toEqual(delivered(first));
  });

  it('returns the original set to a retry even when more messages have arrived since', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'a', bodies('a', 2));
    const first = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });
    await sendToGroup(queue, 'a', ['a-2']);
    await sendToGroup(queue, 'b', bodies('b', 2));

    const retry = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });

    expect(first.map((m) => m.body)).toEqual(bodies('a', 2));
    expect(delivered(retry)).toEqual(delivered(first));
  });

  it('does not give the in-flight group to a different attempt id', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'a', bodies('a', 2));
    const first = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-1' });
    await sendToGroup(queue, 'b', bodies('b', 2));

    const second = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-2' });
    const third = await queue.receive({ maxNumberOfMessages: 10, receiveRequestAttemptId: 'attempt-3' });

    expect(first.map((m) => m.body)).toEqual(bodies('a', 2));
    expect(second.map((m) => m.body)).toEqual(bodies('b', 2));
    expect(third).toEqual([]);
  });

  it('keeps the retried messages deletable with the receipt handles the retry returned', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'g', bodies('g', 3));
    await queue.receive({ maxNumberOfMessages: 2, receiveRequestAttemptId: 'attempt-1' });
    const retry = await queue.receive({ maxNumberOfMessages: 2, receiveRequestAttemptId: 'attempt-1' });

    const deleted = await queue.deleteBatch(
      retry.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })),
    );
    const next = await queue.receive({ maxNumberOfMessages: 10 });

    expect(retry.map((m) => m.body)).toEqual(bodies('g', 2));
    expect(deleted.failed).toEqual([]);
    expect(next.map((m) => m.body)).toEqual(['g-2']);
  });
});

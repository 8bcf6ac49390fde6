import { describe, expect, it } from 'vitest';
import {
  bodiesByGroup,
  bodyOf,
  createFifoQueue,
  isStrictlyIncreasing,
  receiveAndDeleteAll,
  sendToGroup,
} from '../helpers/fifo.js';
import { pollUntil } from '../helpers/poll.js';
import { PROTOCOLS } from '../helpers/test-queue.js';

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

describe.each(PROTOCOLS)('FIFO SendMessage over %s', (protocol) => {
  it('returns a SequenceNumber of digits that increases strictly within each group', async () => {
    const queue = await createFifoQueue(protocol);

    const a1 = await queue.send('a-1', { messageGroupId: 'a', messageDeduplicationId: 'a-1' });
    const b1 = await queue.send('b-1', { messageGroupId: 'b', messageDeduplicationId: 'b-1' });
    const a2 = await queue.send('a-2', { messageGroupId: 'a', messageDeduplicationId: 'a-2' });
    const b2 = await queue.send('b-2', { messageGroupId: 'b', messageDeduplicationId: 'b-2' });
    const a3 = await queue.send('a-3', { messageGroupId: 'a', messageDeduplicationId: 'a-3' });

    for (const result of [a1, a2, a3, b1, b2]) expect(result.sequenceNumber).toMatch(/^\d+$/);
    expect(isStrictlyIncreasing([a1, a2, a3].map((r) => r.sequenceNumber))).toBe(true);
    expect(isStrictlyIncreasing([b1, b2].map((r) => r.sequenceNumber))).toBe(true);
    expect(new Set([a1, a2, a3, b1, b2].map((r) => r.messageId)).size).toBe(5);
  });

  it('gives each SendMessageBatch entry a SequenceNumber, increasing in entry order within the group', async () => {
    const queue = await createFifoQueue(protocol);
    const before = await queue.send('g-before', { messageGroupId: 'g', messageDeduplicationId: 'g-before' });

    const batch = await queue.sendBatch(
      range(10).map((i) => ({
        id: `e${i}`,
        body: bodyOf('g', i),
        messageGroupId: 'g',
        messageDeduplicationId: bodyOf('g', i),
      })),
    );
    const after = await queue.send('g-after', { messageGroupId: 'g', messageDeduplicationId: 'g-after' });

    expect(batch.failed).toEqual([]);
    const byEntry = range(10).map((i) => batch.successful.find((entry) => entry.id === `e${i}`));
    expect(byEntry.every((entry) => entry?.sequenceNumber !== undefined)).toBe(true);
    expect(
      isStrictlyIncreasing([
        before.sequenceNumber,
        ...byEntry.map((entry) => entry?.sequenceNumber),
        after.sequenceNumber,
      ]),
    ).toBe(true);
  });

  it('enqueues a batch to one group in entry order', async () => {
    const queue = await createFifoQueue(protocol);
    const bodies = range(10).map((i) => bodyOf('g', i));

    const batch = await queue.sendBatch(
      bodies.map((body, i) => ({ id: `e${i}`, body, messageGroupId: 'g', messageDeduplicationId: body })),
    );
    const received = await receiveAndDeleteAll(queue, 10);

    expect(batch.failed).toEqual([]);
    expect(received.map((m) => m.body)).toEqual(bodies);
  });

  it('enqueues a batch that spans groups in entry order within each group', async () => {
    const queue = await createFifoQueue(protocol);
    const entries = range(10).map((i) => {
      const group = i % 2 === 0 ? 'even' : 'odd';
      const body = bodyOf(group, i);
      return { id: `e${i}`, body, messageGroupId: group, messageDeduplicationId: body };
    });

    const batch = await queue.sendBatch(entries);
    const received = await receiveAndDeleteAll(queue, 10);

    expect(batch.failed).toEqual([]);
    expect(bodiesByGroup(received)).toEqual(bodiesByGroup(entries));
    const sequenceOf = (id: string) => batch.successful.find((entry) => entry.id === id)?.sequenceNumber;
    for (const group of ['even', 'odd']) {
      const ids = entries.filter((entry) => entry.messageGroupId === group).map((entry) => entry.id);
      expect(isStrictlyIncreasing(ids.map(sequenceOf))).toBe(true);
    }
  });

  it('keeps a group in send order across many single sends interleaved with another group', async () => {
    const queue = await createFifoQueue(protocol);
    const a = range(8).map((i) => bodyOf('a', i));
    const b = range(8).map((i) => bodyOf('b', i));

    for (const i of range(8)) {
      await sendToGroup(queue, 'a', [a[i] as string]);
      await sendToGroup(queue, 'b', [b[i] as string]);
    }
    const received = await receiveAndDeleteAll(queue, 16);

    expect(received).toHaveLength(16);
    expect(bodiesByGroup(received)).toEqual({ a, b });
  });

  it("hides FIFO messages for the queue's DelaySeconds, then delivers them in order", async () => {
    const queue = await createFifoQueue(protocol, { DelaySeconds: '2' });
    const sentAtMs = Date.now();
    await sendToGroup(queue, 'g', ['g-1', 'g-2']);

    const early = await queue.receive({ maxNumberOfMessages: 10 });
    const first = await pollUntil(async () => {
      const messages = await queue.receive({ maxNumberOfMessages: 10 });
      return messages.length > 0 ? messages : undefined;
    });
    const elapsedMs = Date.now() - sentAtMs;
    await queue.deleteBatch(first.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })));
    const rest = first.length < 2 ? await receiveAndDeleteAll(queue, 2 - first.length) : [];

    expect(early).toEqual([]);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect([...first, ...rest].map((m) => m.body)).toEqual(['g-1', 'g-2']);
  });
});

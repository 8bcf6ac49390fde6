import { describe, expect, it } from 'vitest';
import {
  bodiesByGroup,
  bodyOf,
  createFifoQueue,
  FIFO_SYSTEM_ATTRIBUTES,
  groupOf,
  otherClient,
  receiveAndDeleteAll,
  sendToGroup,
} from '../helpers/fifo.js';
import { PROTOCOLS } from '../helpers/test-queue.js';

const bodies = (group: string, count: number) => Array.from({ length: count }, (_, i) => bodyOf(group, i));

describe.each(PROTOCOLS)('FIFO ReceiveMessage over %s', (protocol) => {
  it('delivers the messages of each group in the order they were sent', async () => {
    const queue = await createFifoQueue(protocol);
    const a = bodies('a', 6);
    const b = bodies('b', 6);
    for (let i = 0; i < 6; i++) {
      await sendToGroup(queue, 'a', [a[i] as string]);
      await sendToGroup(queue, 'b', [b[i] as string]);
    }

    const received = await receiveAndDeleteAll(queue, 12, { maxNumberOfMessages: 3 });

    expect(bodiesByGroup(received)).toEqual({ a, b });
  });

  it('returns several messages of one group in one receive, in order', async () => {
    const queue = await createFifoQueue(protocol);
    await sendToGroup(queue, 'g', bodies('g', 5));

    const received = await queue.receive({ maxNumberOfMessages: 10 });

    expect(received.map((m) => m.body)).toEqual(bodies('g', 5));
  });

  it('starts a group at its first message when MaxNumberOfMessages is 1', async () => {
    const queue = await createFifoQueue(protocol);
    await sendToGroup(queue, 'g', bodies('g', 3));

    const received = await queue.receive({ maxNumberOfMessages: 1 });

    expect(received.map((m) => m.body)).toEqual(['g-0']);
  });

  it('delivers no other message of a group while one of its messages is in flight', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    const other = await otherClient(queue);
    await sendToGroup(queue, 'g', bodies('g', 3));

    const first = await queue.receive({ maxNumberOfMessages: 1 });
    const fromOther = await other.receive({ maxNumberOfMessages: 10 });
    const fromSame = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

    expect(first.map((m) => m.body)).toEqual(['g-0']);
    expect(fromOther).toEqual([]);
    expect(fromSame).toEqual([]);
  });

  it('gives another consumer the other groups while one group is in flight', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    const other = await otherClient(queue);
    await sendToGroup(queue, 'a', bodies('a', 2));
    await sendToGroup(queue, 'b', bodies('b', 2));

    const [first] = await queue.receive({ maxNumberOfMessages: 1 });
    const fromOther = await other.receive({ maxNumberOfMessages: 10 });

    // SQS does not order groups against each other, so either group may come first.
    const held = groupOf(first?.body ?? '');
    const free = held === 'a' ? 'b' : 'a';
    expect(first?.body).toBe(bodyOf(held, 0));
    expect(fromOther.map((m) => m.body)).toEqual(bodies(free, 2));
  });

  it('keeps the group locked while any message of a receive is undeleted, then continues after it', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'g', bodies('g', 3));
    const first = await queue.receive({ maxNumberOfMessages: 2 });

    await queue.delete(first[0]?.receiptHandle ?? '');
    const whileOneInFlight = await queue.receive({ maxNumberOfMessages: 10 });
    await queue.delete(first[1]?.receiptHandle ?? '');
    const afterBothDeleted = await queue.receive({ maxNumberOfMessages: 10 });

    expect(first.map((m) => m.body)).toEqual(['g-0', 'g-1']);
    expect(whileOneInFlight).toEqual([]);
    expect(afterBothDeleted.map((m) => m.body)).toEqual(['g-2']);
  });

  it('returns MessageGroupId, MessageDeduplicationId and SequenceNumber when asked for them', async () => {
    const queue = await createFifoQueue(protocol);
    const sent = await queue.send('hello', { messageGroupId: 'group-1', messageDeduplicationId: 'dedup-1' });

    const [received] = await queue.receive({ messageSystemAttributeNames: [...FIFO_SYSTEM_ATTRIBUTES] });

    expect(received?.attributes).toEqual({
      MessageGroupId: 'group-1',
      MessageDeduplicationId: 'dedup-1',
      SequenceNumber: sent.sequenceNumber,
    });
  });

  it.each(['messageSystemAttributeNames', 'attributeNames'] as const)(
    'returns the FIFO attributes among All (asked through %s)',
    async (parameter) => {
      const queue = await createFifoQueue(protocol);
      const sent = await queue.send('hello', {
        messageGroupId: 'group-1',
        messageDeduplicationId: 'dedup-1',
      });

      const [received] = await queue.receive({ [parameter]: ['All'] });

      expect(received?.attributes).toMatchObject({
        MessageGroupId: 'group-1',
        MessageDeduplicationId: 'dedup-1',
        SequenceNumber: sent.sequenceNumber,
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      });
    },
  );

  it('returns no FIFO attributes when none are asked for', async () => {
    const queue = await createFifoQueue(protocol);
    await queue.send('hello', { messageGroupId: 'group-1', messageDeduplicationId: 'dedup-1' });

    const [received] = await queue.receive();

    expect(received?.attributes).toEqual({});
  });
});

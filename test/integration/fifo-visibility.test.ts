import { describe, expect, it } from 'vitest';
import { bodyOf, createFifoQueue, receiveAndDeleteAll, sendToGroup } from '../helpers/fifo.js';
import { pollFor } from '../helpers/poll.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import { catchError, expectedError, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const bodies = (group: string, count: number) => Array.from({ length: count }, (_, i) => bodyOf(group, i));
const RECEIVE_COUNT = ['ApproximateReceiveCount'];

/** Receives until something arrives (a visibility timeout ran out) and returns it. */
function receiveWhenVisible(queue: TestQueue): Promise<ReceivedMessage[]> {
  return pollFor(
    () => queue.receive({ maxNumberOfMessages: 10, messageSystemAttributeNames: RECEIVE_COUNT }),
    (received) => received.length > 0,
  );
}

const receiveCounts = (messages: readonly ReceivedMessage[]) =>
  messages.map((m) => m.attributes.ApproximateReceiveCount);

describe.each(PROTOCOLS)('FIFO visibility over %s', (protocol) => {
  it('makes the group available again from its oldest message when the visibility timeout ends', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '1' });
    await sendToGroup(queue, 'g', bodies('g', 3));
    const beforeReceiveMs = Date.now();
    const first = await queue.receive({
      maxNumberOfMessages: 10,
      messageSystemAttributeNames: RECEIVE_COUNT,
    });

    const again = await receiveWhenVisible(queue);

    // The lock runs from the server's moment of receive, which is after the request left.
    expect(Date.now() - beforeReceiveMs).toBeGreaterThanOrEqual(1000);
    expect(first.map((m) => m.body)).toEqual(bodies('g', 3));
    expect(receiveCounts(first)).toEqual(['1', '1', '1']);
    expect(again.map((m) => m.body)).toEqual(bodies('g', 3));
    expect(again.map((m) => m.messageId)).toEqual(first.map((m) => m.messageId));
    expect(receiveCounts(again)).toEqual(['2', '2', '2']);
  });

  it('refuses to delete with a receipt whose visibility timeout ran out, and the message comes back', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '1' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    const [late, alsoLate] = await queue.receive({ maxNumberOfMessages: 10 });
    await pollFor(
      async () =>
        (await queue.getAttributes(['ApproximateNumberOfMessagesNotVisible']))
          .ApproximateNumberOfMessagesNotVisible,
      (notVisible) => notVisible === '0',
    );

    const single = await catchError(queue.delete(late?.receiptHandle as string));
    const batch = await queue.deleteBatch([{ id: 'late', receiptHandle: alsoLate?.receiptHandle as string }]);

    const expired = expectedError(protocol, 'InvalidParameterValue', 400);
    expect(single).toMatchObject(expired);
    expect(single.message).toContain('The receipt handle has expired.');
    expect(batch.successful).toEqual([]);
    expect(batch.failed).toMatchObject([{ id: 'late', code: 'InvalidParameterValue', senderFault: true }]);
    const again = await receiveWhenVisible(queue);
    expect(again.map((m) => m.body)).toEqual(bodies('g', 2));
  });

  it("honours the receive request's VisibilityTimeout for the group", async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '300' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    await queue.receive({ maxNumberOfMessages: 10, visibilityTimeout: 1 });

    const again = await receiveWhenVisible(queue);

    expect(again.map((m) => m.body)).toEqual(bodies('g', 2));
    expect(receiveCounts(again)).toEqual(['2', '2']);
  });

  it('makes the group available again at once when ChangeMessageVisibility sets 0', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '300' });
    const [sent] = await sendToGroup(queue, 'g', ['g-0']);
    const [received] = await queue.receive();

    await queue.changeVisibility(received?.receiptHandle ?? '', 0);
    const again = await queue.receive({
      maxNumberOfMessages: 10,
      messageSystemAttributeNames: RECEIVE_COUNT,
    });

    expect(again.map((m) => m.messageId)).toEqual([sent?.messageId]);
    expect(receiveCounts(again)).toEqual(['2']);
  });

  it('redelivers a whole received batch in order once each of its messages is set to 0', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '300' });
    await sendToGroup(queue, 'g', bodies('g', 4));
    const first = await queue.receive({ maxNumberOfMessages: 3 });

    const changed = await queue.changeVisibilityBatch(
      first.map((m, i) => ({ id: `c${i}`, receiptHandle: m.receiptHandle, visibilityTimeout: 0 })),
    );
    const again = await queue.receive({
      maxNumberOfMessages: 10,
      messageSystemAttributeNames: RECEIVE_COUNT,
    });

    expect(first.map((m) => m.body)).toEqual(bodies('g', 3));
    expect(changed.failed).toEqual([]);
    expect(again.map((m) => m.body)).toEqual(bodies('g', 4));
    expect(receiveCounts(again)).toEqual(['2', '2', '2', '1']);
  });

  it('keeps the group locked past the original timeout when ChangeMessageVisibility extends it', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '3' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    const [received] = await queue.receive();

    await queue.changeVisibility(received?.receiptHandle ?? '', 30);

    // The original 3 s timeout ends during this long poll; neither g-0 nor g-1 may come back.
    expect(received?.body).toBe('g-0');
    expect(await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 4 })).toEqual([]);
  });

  it('redelivers only the undeleted messages of a receive, in order, ahead of the rest of the group', async () => {
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '30' });
    await sendToGroup(queue, 'g', bodies('g', 5));
    const first = await queue.receive({ maxNumberOfMessages: 3 });

    await queue.delete(first[0]?.receiptHandle ?? '');
    await queue.delete(first[2]?.receiptHandle ?? '');
    // The one message of the receive still held is handed back at once rather than after 30 s.
    await queue.changeVisibility(first[1]?.receiptHandle ?? '', 0);
    const rest = await receiveAndDeleteAll(queue, 3, { messageSystemAttributeNames: RECEIVE_COUNT });

    expect(first.map((m) => m.body)).toEqual(['g-0', 'g-1', 'g-2']);
    expect(rest.map((m) => m.body)).toEqual(['g-1', 'g-3', 'g-4']);
    expect(receiveCounts(rest)).toEqual(['2', '1', '1']);
  });

  it('counts receives per message: one more each time the group comes back', async () => {
    // Long enough for the delete below to land inside the second receive's timeout on a busy machine.
    const queue = await createFifoQueue(protocol, { VisibilityTimeout: '3' });
    await sendToGroup(queue, 'g', bodies('g', 2));
    const first = await queue.receive({ maxNumberOfMessages: 1, messageSystemAttributeNames: RECEIVE_COUNT });

    const second = await receiveWhenVisible(queue);
    await queue.delete(second[0]?.receiptHandle ?? '');
    const third = await receiveWhenVisible(queue);

    expect(first.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([['g-0', '1']]);
    expect(second.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
      ['g-0', '2'],
      ['g-1', '1'],
    ]);
    expect(third.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([['g-1', '2']]);
  });
});

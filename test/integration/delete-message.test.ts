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

const GARBAGE_HANDLE = 'not-a-receipt-handle';

async function receiveOne(queue: TestQueue): Promise<ReceivedMessage> {
  const messages = await pollFor(
    () => queue.receive(),
    (received) => received.length > 0,
  );
  return messages[0] as ReceivedMessage;
}

describe.each(PROTOCOLS)('DeleteMessage over %s', (protocol) => {
  it('removes a received message for good', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await queue.send('done with it');
    const message = await receiveOne(queue);

    await queue.delete(message.receiptHandle);

    // Waiting longer than the visibility timeout proves it is gone, not merely hidden.
    expect(await queue.receive({ waitTimeSeconds: 2 })).toEqual([]);
    expect(
      await queue.getAttributes(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
    ).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('succeeds when the same receipt handle deletes twice', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('twice');
    const message = await receiveOne(queue);

    await queue.delete(message.receiptHandle);
    await queue.delete(message.receiptHandle);

    expect(await queue.receive()).toEqual([]);
  });

  it('answers ReceiptHandleIsInvalid (404) to a garbage receipt handle', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.delete(GARBAGE_HANDLE));

    expect(error).toMatchObject(expectedError(protocol, 'ReceiptHandleIsInvalid', 404));
  });

  it('accepts a stale receipt handle after redelivery but does not delete the message', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    const sent = await queue.send('still here');
    const first = await receiveOne(queue);
    const second = await receiveOne(queue);

    await queue.delete(first.receiptHandle);

    const third = await receiveOne(queue);
    expect(second.messageId).toBe(sent.messageId);
    expect(third.messageId).toBe(sent.messageId);
  });

  it('answers QueueDoesNotExist for a receipt handle on a queue that is gone', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('orphan');
    const message = await receiveOne(queue);
    await queue.deleteQueue();

    const error = await catchError(queue.delete(message.receiptHandle));

    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });
});

describe.each(PROTOCOLS)('DeleteMessageBatch over %s', (protocol) => {
  it('deletes each entry and reports a garbage handle as a failed entry with HTTP 200', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await queue.sendBatch([
      { id: 'a', body: 'a' },
      { id: 'b', body: 'b' },
    ]);
    const received = await queue.receiveAll(2);

    const result = await queue.deleteBatch([
      { id: 'first', receiptHandle: received[0]?.receiptHandle ?? '' },
      { id: 'second', receiptHandle: received[1]?.receiptHandle ?? '' },
      { id: 'garbage', receiptHandle: GARBAGE_HANDLE },
    ]);

    expect(result.successful.map((entry) => entry.id).sort()).toEqual(['first', 'second']);
    expect(result.failed).toEqual([
      { id: 'garbage', senderFault: true, code: 'ReceiptHandleIsInvalid', message: expect.any(String) },
    ]);
    expect(await queue.receive({ waitTimeSeconds: 2 })).toEqual([]);
  });

  it('rejects a batch without entries as EmptyBatchRequest', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.deleteBatch([]));

    expect(error).toMatchObject(expectedError(protocol, 'EmptyBatchRequest', 400));
  });

  it('rejects more than ten entries as TooManyEntriesInBatchRequest', async () => {
    const queue = await createTestQueue(protocol);
    const entries = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, receiptHandle: GARBAGE_HANDLE }));

    const error = await catchError(queue.deleteBatch(entries));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'TooManyEntriesInBatchRequest',
        400,
        'Maximum number of entries per request are 10. You have sent 20.',
      ),
    );
  });

  it('rejects repeated entry Ids as BatchEntryIdsNotDistinct', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(
      queue.deleteBatch([
        { id: 'same', receiptHandle: GARBAGE_HANDLE },
        { id: 'same', receiptHandle: GARBAGE_HANDLE },
      ]),
    );

    expect(error).toMatchObject(expectedError(protocol, 'BatchEntryIdsNotDistinct', 400));
  });

  it('rejects an invalid entry Id as InvalidBatchEntryId', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.deleteBatch([{ id: 'invalid:id', receiptHandle: GARBAGE_HANDLE }]));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidBatchEntryId', 400));
  });
});

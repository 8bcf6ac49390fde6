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

async function receiveOne(queue: TestQueue, visibilityTimeout?: number): Promise<ReceivedMessage> {
  const messages = await pollFor(
    () => queue.receive({ visibilityTimeout }),
    (received) => received.length > 0,
  );
  return messages[0] as ReceivedMessage;
}

describe.each(PROTOCOLS)('ChangeMessageVisibility over %s', (protocol) => {
  it('makes a message visible again at once with VisibilityTimeout 0', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '300' });
    const sent = await queue.send('back');
    const message = await receiveOne(queue);

    await queue.changeVisibility(message.receiptHandle, 0);
    const again = await queue.receive();

    expect(again.map((m) => m.messageId)).toEqual([sent.messageId]);
  });

  it('keeps a message hidden past its original timeout when extended', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '1' });
    await queue.send('keep hidden');
    const message = await receiveOne(queue);

    await queue.changeVisibility(message.receiptHandle, 30);

    // The original 1 s timeout ends during this long poll; the message must stay hidden.
    expect(await queue.receive({ waitTimeSeconds: 3 })).toEqual([]);
  });

  it('counts the new timeout from the change, not from the receive', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '30' });
    const sent = await queue.send('shortened');
    const message = await receiveOne(queue);

    await queue.changeVisibility(message.receiptHandle, 1);
    const changedAtMs = Date.now();
    const again = await receiveOne(queue);

    expect(again.messageId).toBe(sent.messageId);
    expect(Date.now() - changedAtMs).toBeGreaterThanOrEqual(900);
  });

  it('rejects VisibilityTimeout above 43200', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('x');
    const message = await receiveOne(queue);

    const error = await catchError(queue.changeVisibility(message.receiptHandle, 43_201));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('rejects a negative VisibilityTimeout', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('x');
    const message = await receiveOne(queue);

    const error = await catchError(queue.changeVisibility(message.receiptHandle, -1));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('answers ReceiptHandleIsInvalid (404) to a garbage receipt handle', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.changeVisibility(GARBAGE_HANDLE, 10));

    expect(error).toMatchObject(expectedError(protocol, 'ReceiptHandleIsInvalid', 404));
  });

  it('answers MessageNotInflight once the message is visible again', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '300' });
    await queue.send('not in flight');
    const message = await receiveOne(queue);
    await queue.changeVisibility(message.receiptHandle, 0);

    const error = await catchError(queue.changeVisibility(message.receiptHandle, 10));

    expect(error).toMatchObject(expectedError(protocol, 'MessageNotInflight', 400));
  });
});

describe.each(PROTOCOLS)('ChangeMessageVisibilityBatch over %s', (protocol) => {
  it('changes each entry and reports a garbage handle as a failed entry with HTTP 200', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '300' });
    await queue.sendBatch([
      { id: 'a', body: 'a' },
      { id: 'b', body: 'b' },
    ]);
    const received = await queue.receiveAll(2);

    const result = await queue.changeVisibilityBatch([
      { id: 'first', receiptHandle: received[0]?.receiptHandle ?? '', visibilityTimeout: 0 },
      { id: 'second', receiptHandle: received[1]?.receiptHandle ?? '', visibilityTimeout: 0 },
      { id: 'garbage', receiptHandle: GARBAGE_HANDLE, visibilityTimeout: 0 },
    ]);
    const again = await queue.receiveAll(2);

    expect(result.successful.map((entry) => entry.id).sort()).toEqual(['first', 'second']);
    expect(result.failed).toEqual([
      { id: 'garbage', senderFault: true, code: 'ReceiptHandleIsInvalid', message: expect.any(String) },
    ]);
    expect(again.map((m) => m.body).sort()).toEqual(['a', 'b']);
  });

  it('rejects a batch without entries as EmptyBatchRequest', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.changeVisibilityBatch([]));

    expect(error).toMatchObject(expectedError(protocol, 'EmptyBatchRequest', 400));
  });

  it('rejects more than ten entries as TooManyEntriesInBatchRequest', async () => {
    const queue = await createTestQueue(protocol);
    const entries = Array.from({ length: 20 }, (_, i) => ({
      id: `e${i}`,
      receiptHandle: GARBAGE_HANDLE,
      visibilityTimeout: 0,
    }));

    const error = await catchError(queue.changeVisibilityBatch(entries));

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
      queue.changeVisibilityBatch([
        { id: 'same', receiptHandle: GARBAGE_HANDLE, visibilityTimeout: 0 },
        { id: 'same', receiptHandle: GARBAGE_HANDLE, visibilityTimeout: 0 },
      ]),
    );

    expect(error).toMatchObject(expectedError(protocol, 'BatchEntryIdsNotDistinct', 400));
  });
});

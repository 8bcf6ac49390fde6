import { describe, expect, it } from 'vitest';
import { md5Hex, md5OfMessageAttributes } from '../helpers/md5.js';
import type { SendBatchEntry } from '../helpers/sqs-api.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

const ONE_MIB = 1_048_576;

function entries(count: number, idPrefix = 'm'): SendBatchEntry[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${idPrefix}${i}`, body: `body ${i}` }));
}

describe.each(PROTOCOLS)('SendMessageBatch over %s', (protocol) => {
  it('sends ten messages and answers each entry with its Id, MessageId and MD5s', async () => {
    const queue = await createTestQueue(protocol);
    const batch = entries(10);
    const attributes = { kind: { dataType: 'String', stringValue: 'batch' } };
    batch[0] = { ...batch[0], id: 'with-attrs', body: 'has attributes', messageAttributes: attributes };

    const result = await queue.sendBatch(batch);

    expect(result.failed).toEqual([]);
    expect(result.successful.map((entry) => entry.id).sort()).toEqual(batch.map((entry) => entry.id).sort());
    for (const entry of batch) {
      const answered = result.successful.find((s) => s.id === entry.id);
      expect(answered?.md5OfMessageBody).toBe(md5Hex(entry.body));
    }
    expect(result.successful.find((s) => s.id === 'with-attrs')?.md5OfMessageAttributes).toBe(
      md5OfMessageAttributes(attributes),
    );
    expect(result.successful.find((s) => s.id === 'm1')?.md5OfMessageAttributes).toBeUndefined();
    expect(new Set(result.successful.map((s) => s.messageId)).size).toBe(10);
  });

  it('delivers every message of the batch', async () => {
    const queue = await createTestQueue(protocol);
    const batch = entries(10);

    const result = await queue.sendBatch(batch);
    const received = await queue.receiveAll(10);

    expect(received.map((m) => m.body).sort()).toEqual(batch.map((entry) => entry.body).sort());
    expect(received.map((m) => m.messageId).sort()).toEqual(result.successful.map((s) => s.messageId).sort());
  });

  it('fails only the invalid entry, with HTTP 200 and the entry in Failed', async () => {
    const queue = await createTestQueue(protocol);

    const result = await queue.sendBatch([
      { id: 'good1', body: 'fine' },
      { id: 'bad', body: 'not \u0000 fine' },
      { id: 'good2', body: 'also fine' },
    ]);
    const received = await queue.receiveAll(2);

    expect(result.successful.map((entry) => entry.id).sort()).toEqual(['good1', 'good2']);
    expect(result.failed).toEqual([
      { id: 'bad', senderFault: true, code: 'InvalidMessageContents', message: expect.any(String) },
    ]);
    expect(received.map((m) => m.body).sort()).toEqual(['also fine', 'fine']);
  });

  it('rejects a batch without entries as EmptyBatchRequest', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.sendBatch([]));

    expect(error).toMatchObject(expectedError(protocol, 'EmptyBatchRequest', 400));
  });

  it('rejects more than ten entries as TooManyEntriesInBatchRequest', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.sendBatch(entries(20)));

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
      queue.sendBatch([
        { id: 'same', body: 'one' },
        { id: 'same', body: 'two' },
      ]),
    );

    expect(error).toMatchObject(expectedError(protocol, 'BatchEntryIdsNotDistinct', 400));
  });

  it.each([
    ['a colon', 'invalid:id'],
    ['81 characters', 'i'.repeat(81)],
    ['a space', 'has space'],
  ])('rejects an entry Id with %s as InvalidBatchEntryId', async (_what, id) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.sendBatch([{ id, body: 'x' }]));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidBatchEntryId', 400));
  });

  it('accepts entries that add up to exactly 1 MiB', async () => {
    const queue = await createTestQueue(protocol);
    const half = ONE_MIB / 2;

    const result = await queue.sendBatch([
      { id: 'a', body: 'a'.repeat(half) },
      { id: 'b', body: 'b'.repeat(half) },
    ]);

    expect(result.failed).toEqual([]);
    expect(result.successful).toHaveLength(2);
  });

  it('rejects entries that add up to more than 1 MiB as BatchRequestTooLong', async () => {
    const queue = await createTestQueue(protocol);
    const half = ONE_MIB / 2;

    const error = await catchError(
      queue.sendBatch([
        { id: 'a', body: 'a'.repeat(half) },
        { id: 'b', body: 'b'.repeat(half + 1) },
      ]),
    );

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'BatchRequestTooLong',
        400,
        'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
      ),
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  decodeLocator,
  decodePeekCursor,
  encodeLocator,
  encodePeekCursor,
} from '../../lambda/console/cursor.js';
import { SqsError } from '../../lambda/engine/errors.js';
import type { QueueRecord } from '../../lambda/storage/store.js';

const queue = { id: '5c1a4a57-0000-4000-8000-000000000001', name: 'q', epoch: 0 } as QueueRecord;
const other = { ...queue, id: '5c1a4a57-0000-4000-8000-000000000002' } as QueueRecord;
const messageId = '7f0c3e1a-0000-4000-8000-00000000000a';

describe('console cursors and locators', () => {
  it('round-trips a peek position for the same queue and question', () => {
    const position = { kind: 'group' as const, sequenceNumber: '1'.repeat(20), groupId: 'g:1#x' };
    const cursor = encodePeekCursor(queue, { order: 'newest', groupId: 'g' }, position);

    expect(decodePeekCursor(cursor, queue, { order: 'newest', groupId: 'g' })).toEqual(position);
  });

  it('refuses a cursor for another queue, order, group or filter', () => {
    const cursor = encodePeekCursor(
      queue,
      { order: 'oldest' },
      { kind: 'timeline', visibleAtMs: 1, messageId },
    );

    for (const [record, scope] of [
      [other, { order: 'oldest' as const }],
      [queue, { order: 'newest' as const }],
      [queue, { order: 'oldest' as const, contains: 'x' }],
    ] as const) {
      expect(() => decodePeekCursor(cursor, record, scope)).toThrow(SqsError);
    }
  });

  it('round-trips a locator, and refuses it for another message or with forged fields', () => {
    const locator = {
      kind: 'timeline' as const,
      messageId,
      epoch: 2,
      shard: 5,
      visibleAtMs: 1_765_000_000_000,
    };
    const text = encodeLocator(queue, locator);
    const forged = Buffer.from(
      JSON.stringify({ q: queue.id, l: { ...locator, sk: 'x', shard: -1 } }),
    ).toString('base64url');

    expect(decodeLocator(text, queue, messageId)).toEqual(locator);
    expect(() => decodeLocator(text, queue, '7f0c3e1a-0000-4000-8000-00000000000b')).toThrow(SqsError);
    expect(() => decodeLocator(forged, queue, messageId)).toThrow(SqsError);
    expect(() => decodeLocator('%%%', queue, messageId)).toThrow(SqsError);
    expect(() => decodeLocator('A'.repeat(5_000), queue, messageId)).toThrow(SqsError);
  });
});

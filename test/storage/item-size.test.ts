import { describe, expect, it } from 'vitest';
import type { TransactItem } from '../../lambda/storage/dynamo/db.js';
import {
  itemSizeBytes,
  readUnits,
  transactionWriteUnits,
  writeUnits,
} from '../../lambda/storage/dynamo/item-size.js';

// The rules are the Developer Guide's "Item sizes and formats" and "Read/write capacity units" pages.
describe('itemSizeBytes', () => {
  it('counts each attribute name and string value in UTF-8 bytes', () => {
    expect(itemSizeBytes({ pk: 'abc' })).toBe(2 + 3);
    expect(itemSizeBytes({ é: 'ü€' })).toBe(2 + 5);
  });

  it('counts a number as one byte per two significant digits plus one', () => {
    expect(itemSizeBytes({ n: 7 })).toBe(1 + 2);
    expect(itemSizeBytes({ n: 12345 })).toBe(1 + 4);
    expect(itemSizeBytes({ n: -12.5 })).toBe(1 + 3);
    expect(itemSizeBytes({ n: 1_700_000_000_123 })).toBe(1 + 8);
  });

  it('trims leading and trailing zeros from a number', () => {
    expect(itemSizeBytes({ n: 1000 })).toBe(1 + 2);
    expect(itemSizeBytes({ n: 0.005 })).toBe(1 + 2);
    expect(itemSizeBytes({ n: 100.25 })).toBe(1 + 4);
    expect(itemSizeBytes({ n: 0 })).toBe(1 + 1);
  });

  it('counts a binary value in raw bytes, not base64', () => {
    expect(itemSizeBytes({ p: new Uint8Array(1000) })).toBe(1 + 1000);
  });

  it('counts a boolean or a null as one byte', () => {
    expect(itemSizeBytes({ ok: true, no: null })).toBe(2 + 1 + 2 + 1);
  });

  it('adds 3 bytes per list or map and 1 byte per element', () => {
    expect(itemSizeBytes({ l: [] })).toBe(1 + 3);
    expect(itemSizeBytes({ l: ['ab', 5] })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSizeBytes({ m: { ab: 'cd' } })).toBe(1 + 3 + 1 + (2 + 2));
    expect(itemSizeBytes({ m: { a: { b: 'c' } } })).toBe(1 + 3 + 1 + (1 + 3 + 1 + (1 + 1)));
  });

  it('counts a set as the sum of its elements', () => {
    expect(itemSizeBytes({ s: new Set(['ab', 'cde']) })).toBe(1 + 5);
  });

  it('leaves out attributes that are undefined, as the marshaller drops them', () => {
    expect(itemSizeBytes({ pk: 'a', gone: undefined })).toBe(3);
    expect(itemSizeBytes({ m: { a: 'b', gone: undefined } })).toBe(1 + 3 + 1 + 2);
  });
});

describe('writeUnits and readUnits', () => {
  it('bills a write one unit per KB, rounded up, at least one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(500)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(1.6 * 1024)).toBe(2);
  });

  it('bills a strongly consistent read one unit per 4 KB, rounded up, at least one', () => {
    expect(readUnits(0, 'strong')).toBe(1);
    expect(readUnits(3500, 'strong')).toBe(1);
    expect(readUnits(4096, 'strong')).toBe(1);
    expect(readUnits(10 * 1024, 'strong')).toBe(3);
  });

  it('bills an eventually consistent read half as much', () => {
    expect(readUnits(3500, 'eventual')).toBe(0.5);
    expect(readUnits(8 * 1024, 'eventual')).toBe(1);
    expect(readUnits(80 * 1024, 'eventual')).toBe(10);
  });
});

describe('transactionWriteUnits', () => {
  const bigItem = { pk: 'B#1', sk: '0', p: new Uint8Array(1100) };
  const smallItem = { pk: 'T#q#1#0', sk: '0001700000000000#m1', rc: 0 };

  it('bills two units per KB of each item it puts, once to prepare and once to commit', () => {
    const items: TransactItem[] = [{ Put: { Item: smallItem } }, { Put: { Item: bigItem } }];

    expect(itemSizeBytes(bigItem)).toBeGreaterThan(1024);
    expect(transactionWriteUnits(items)).toBe(2 * 1 + 2 * 2);
  });

  it('bills an update, delete or condition check at least two units', () => {
    const key = { pk: 'G#q#g0', sk: 'group' };
    const items: TransactItem[] = [
      { Update: { Key: key, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } } },
      { Delete: { Key: key } },
      { ConditionCheck: { Key: key, ConditionExpression: 'attribute_exists(pk)' } },
    ];

    expect(transactionWriteUnits(items)).toBe(6);
  });

  it('prices a transaction the service cancels (claim: put the moved state item, delete the old) at 4', () => {
    const claim: TransactItem[] = [
      { Put: { Item: smallItem, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Delete: { Key: { pk: smallItem.pk, sk: smallItem.sk }, ConditionExpression: 'attribute_exists(pk)' },
      },
    ];

    expect(transactionWriteUnits(claim)).toBe(4);
    expect(transactionWriteUnits(claim) / 2).toBe(2);
  });
});

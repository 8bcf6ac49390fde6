import { describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes } from '../../lambda/engine/md5.js';

describe('MD5 digests', () => {
  it('hashes the UTF-8 body', () => {
    expect(md5OfBody('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(md5OfBody('ü')).toBe('c03410a5204b21cd8229ff754688d743');
  });

  it('matches digests published for SQS message attributes', () => {
    expect(md5OfMessageAttributes({ SellerName: { dataType: 'String', stringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    expect(
      md5OfMessageAttributes({
        ordinal: { dataType: 'Number', stringValue: '1' },
        category: { dataType: 'String', stringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('does not depend on the order attributes were given in', () => {
    const a = md5OfMessageAttributes({
      b: { dataType: 'Binary', binaryValue: Uint8Array.of(0, 1, 2) },
      a: { dataType: 'String.custom', stringValue: 'x' },
    });
    const b = md5OfMessageAttributes({
      a: { dataType: 'String.custom', stringValue: 'x' },
      b: { dataType: 'Binary', binaryValue: Uint8Array.of(0, 1, 2) },
    });
    expect(a).toBe(b);
  });

  it('is absent when there are no attributes', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
    expect(md5OfMessageAttributes(undefined)).toBeUndefined();
  });
});

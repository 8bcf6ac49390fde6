import { describe, expect, it } from 'vitest';
import { isInCidrBlock, parseIpAddress, parseIpv4, parseIpv6 } from '../../lambda/filters/ip-address.js';
import { compileWildcard, matchesWildcard, type WildcardPattern } from '../../lambda/filters/wildcard.js';

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0n],
    ['10.0.0.255', 0x0a0000ffn],
    ['255.255.255.255', 0xffffffffn],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each([
    '10.0.0.256',
    '10.0.0',
    '10.0.0.0.0',
    '010.0.0.1',
    '1.2.3.-4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '',
    'a.b.c.d',
    '1..2.3',
  ])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe('parseIpv6', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['2001:db8::', 0x20010db8n << 96n],
    ['2001:0db8:1234:1a00:0000:0000:0000:0000', 0x20010db812341a00n << 64n],
    ['2001:DB8:1234:1A00::', 0x20010db812341a00n << 64n],
    ['::ffff:10.1.2.3', 0xffff0a010203n],
    ['1:2:3:4:5:6:7:8', 0x00010002000300040005000600070008n],
    ['1::8', (1n << 112n) | 8n],
  ])('reads %s', (text, value) => {
    expect(parseIpv6(text)).toBe(value);
  });

  it.each([
    'xxxx:db8:1234:1a00::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2::3',
    '12345::',
    ':::',
    'fe80::1%eth0',
    '::ffff:10.1.2',
    '1:2:3:4:5:6:7::8',
    `${'1:'.repeat(30)}1`,
  ])('refuses %j', (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });
});

describe('isInCidrBlock', () => {
  const block = (network: string, maskBits: number) => {
    const address = parseIpAddress(network);
    if (!address) throw new Error(network);
    return { bits: address.bits, network: address.value, maskBits };
  };
  const address = (text: string) => {
    const parsed = parseIpAddress(text);
    if (!parsed) throw new Error(text);
    return parsed;
  };

  it('compares only the masked bits, whatever the block address holds beyond them', () => {
    expect(isInCidrBlock(block('10.0.0.7', 24), address('10.0.0.200'))).toBe(true);
    expect(isInCidrBlock(block('10.0.0.7', 24), address('10.0.1.200'))).toBe(false);
  });

  it('never mixes the families', () => {
    expect(isInCidrBlock(block('0.0.0.0', 0), address('::1'))).toBe(false);
    expect(isInCidrBlock(block('::', 0), address('1.2.3.4'))).toBe(false);
  });

  it('covers everything with /0 and one address with a full mask', () => {
    expect(isInCidrBlock(block('::', 0), address('ffff::1'))).toBe(true);
    expect(isInCidrBlock(block('2001:db8::1', 128), address('2001:db8::1'))).toBe(true);
    expect(isInCidrBlock(block('2001:db8::1', 128), address('2001:db8::2'))).toBe(false);
  });
});

describe('wildcard', () => {
  function compiled(text: string): WildcardPattern {
    const result = compileWildcard(text);
    if ('problem' in result) throw new Error(result.problem);
    return result;
  }

  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['*.png', 'image.png', true],
    ['*.png', 'image.png.bak', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'aXb', false],
    ['a\\\\*', 'a\\anything', true],
    ['a\\b', 'a\\b', true],
    ['', '', true],
    ['', 'x', false],
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(matchesWildcard(compiled(pattern), value)).toBe(expected);
  });

  it('refuses consecutive stars, naming the position of the second', () => {
    expect(compileWildcard('ab**')).toEqual({ problem: 'Consecutive wildcard characters at pos 3' });
  });

  it('accepts five stars and refuses six as too complex', () => {
    expect('pieces' in compileWildcard('*a*b*c*d*')).toBe(true);
    expect(compileWildcard('*a*b*c*d*e*')).toEqual({
      problem:
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    });
  });

  it('does not count escaped stars', () => {
    expect('pieces' in compileWildcard('\\*\\*\\*\\*\\*\\*\\*')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  compileFilterCriteria,
  FilterPatternError,
  LAMBDA_INVALID_FILTER_MESSAGE,
  MAX_FILTER_PATTERN_LENGTH,
} from '../../lambda/filters/index.js';

function reasonFor(pattern: unknown): string {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) return error.reason;
    throw error;
  }
  throw new Error(`pattern was accepted: ${JSON.stringify(pattern)}`);
}

/** Faults and the reasons EventBridge gives for them (recorded against AWS by LocalStack's snapshot tests). */
const REFUSED: readonly (readonly [string, unknown, string])[] = [
  ['a bare number', { int: 42 }, '"int" must be an object or an array'],
  ['a bare string', { string: 'my-value' }, '"string" must be an object or an array'],
  ['an empty list', { resources: [] }, 'Empty arrays are not allowed'],
  ['a list in a list', { key: [['value']] }, 'Match value must be String, number, true, false, or null'],
  [
    'two operators in one',
    { key: [{ suffix: 'a', prefix: 'b' }] },
    'Only one key allowed in match expression',
  ],
  ['an upper-case operator', { my_key: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS'],
  ['NUMERIC', { equal: [{ NUMERIC: ['=', 5] }] }, 'Unrecognized match type NUMERIC'],
  ['an unknown operator', { key: [{ 'wrong-operator': true }] }, 'Unrecognized match type wrong-operator'],
  ['prefix of a number', { time: [{ prefix: 123 }] }, 'prefix match pattern must be a string'],
  ['prefix of a list', { time: [{ prefix: ['2022-07-13'] }] }, 'prefix match pattern must be a string'],
  ['suffix of a number', { f: [{ suffix: 123 }] }, 'suffix match pattern must be a string'],
  ['suffix of a list', { f: [{ suffix: ['.png'] }] }, 'suffix match pattern must be a string'],
  ['suffix of null', { f: [{ suffix: null }] }, 'suffix match pattern must be a string'],
  [
    'equals-ignore-case of a list',
    { d: [{ 'equals-ignore-case': ['ec2'] }] },
    'equals-ignore-case match pattern must be a string',
  ],
  [
    'equals-ignore-case of an operator',
    { d: [{ 'equals-ignore-case': { prefix: 'ec2' } }] },
    'equals-ignore-case match pattern must be a string',
  ],
  ['wildcard of a number', { a: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string'],
  ['wildcard of a list', { a: [{ wildcard: ['a*'] }] }, 'wildcard match pattern must be a string'],
  [
    'two stars in a row',
    { a: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
    'Consecutive wildcard characters at pos 26',
  ],
  [
    'six stars',
    { a: [{ wildcard: '*:*:*:*:*:event-bus/*' }] },
    'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
  ],
  ['exists of a string', { key: [{ exists: 'no' }] }, 'exists match pattern must be either true or false.'],
  ['exists of null', { key: [{ exists: null }] }, 'exists match pattern must be either true or false.'],
  ['cidr without a slash', { ip: [{ cidr: 'bad-filter' }] }, "Malformed CIDR, one '/' required"],
  ['cidr of a list', { ip: [{ cidr: ['bad-type'] }] }, 'prefix match pattern must be a string'],
  [
    'cidr with a bad mask',
    { ip: [{ cidr: 'bad-/64filter' }] },
    'Malformed CIDR, mask bits must be an integer',
  ],
  ['cidr with a bad IPv4', { ip: [{ cidr: 'xx.11.xx/8' }] }, 'Nonstandard IP address: xx.11.xx'],
  [
    'cidr with a bad IPv6',
    { ip: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] },
    'Nonstandard IP address: xxxx:db8:1234:1a00::',
  ],
  ['cidr with a mask too wide', { ip: [{ cidr: '10.0.0.0/33' }] }, 'Nonstandard IP address: 10.0.0.0'],
  ['numeric of a number', { c: [{ numeric: 10 }] }, 'Value of numeric must be an array.'],
  ['numeric of nothing', { c: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
  ['numeric starting with a number', { c: [{ numeric: [1, '<='] }] }, 'Invalid member in numeric match: 1'],
  [
    'an unknown comparison',
    { c: [{ numeric: ['operator'] }] },
    'Unrecognized numeric range operator: operator',
  ],
  ['a string operand', { c: [{ numeric: ['=', '000'] }] }, 'Value of equals must be numeric'],
  ['a missing operand', { c: [{ numeric: ['>='] }] }, 'Value of >= must be numeric'],
  ['two lower bounds', { c: [{ numeric: ['>', 0, '>', 0] }] }, 'Bad numeric range operator: >'],
  ['upper bound first', { c: [{ numeric: ['<', 100, '>', 10] }] }, 'Too many elements in numeric expression'],
  ['equals with more', { c: [{ numeric: ['=', 1, '<', 2] }] }, 'Too many elements in numeric expression'],
  ['bounds the wrong way', { c: [{ numeric: ['>', 3, '<', 1] }] }, 'Bottom must be less than top'],
  ['equal bounds', { c: [{ numeric: ['>=', 3, '<=', 3] }] }, 'Bottom must be less than top'],
  ['a missing upper operand', { c: [{ numeric: ['>', 0, '<'] }] }, 'Value of < must be numeric'],
  ['a string upper operand', { c: [{ numeric: ['>', 20, '<', '30'] }] }, 'Value of < must be numeric'],
  ['a number for an operator', { c: [{ numeric: ['>', 20, 30] }] }, 'Bad value in numeric range: 30'],
  ['an unknown upper operator', { c: [{ numeric: ['>', 20, 'test'] }] }, 'Bad numeric range operator: test'],
  [
    'three bounds',
    { c: [{ numeric: ['>', 20, '<', 30, '<', 50] }] },
    'Too many terms in numeric range expression',
  ],
  [
    'anything-but null',
    { s: [{ 'anything-but': null }] },
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but with null listed',
    { s: [{ 'anything-but': ['stopped', null] }] },
    'Inside anything but list, start|null|boolean is not supported.',
  ],
  [
    'anything-but prefix ignoring case',
    { s: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but suffix ignoring case',
    { s: [{ 'anything-but': { suffix: { 'equals-ignore-case': '.png' } } }] },
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but an empty prefix',
    { s: [{ 'anything-but': { prefix: '' } }] },
    'Null prefix/suffix not allowed',
  ],
  [
    'anything-but an empty suffix',
    { s: [{ 'anything-but': { suffix: '' } }] },
    'Null prefix/suffix not allowed',
  ],
  [
    'anything-but a numeric prefix',
    { s: [{ 'anything-but': { prefix: 123 } }] },
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but suffixes with a number',
    { s: [{ 'anything-but': { suffix: [123, '.txt'] } }] },
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but suffixes with null',
    { s: [{ 'anything-but': { suffix: [null, '.txt'] } }] },
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but equals-ignore-case of a number',
    { s: [{ 'anything-but': { 'equals-ignore-case': 123 } }] },
    'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  ],
  [
    'anything-but wildcards with a number',
    { s: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] },
    'wildcard match pattern must be a string',
  ],
  [
    'anything-but an unknown operator',
    { s: [{ 'anything-but': { exists: false } }] },
    'Unsupported anything-but pattern: exists',
  ],
];

describe('compileEventPattern', () => {
  it.each(REFUSED)('refuses %s', (_name, pattern, reason) => {
    expect(reasonFor(pattern)).toBe(reason);
  });

  it('names the fault the way EventBridge does and keeps the reason apart', () => {
    const error = (() => {
      try {
        compileEventPattern({ resources: [] });
      } catch (caught) {
        return caught as FilterPatternError;
      }
    })();

    expect(error).toBeInstanceOf(FilterPatternError);
    expect(error?.message).toBe('Event pattern is not valid. Reason: Empty arrays are not allowed');
    expect(LAMBDA_INVALID_FILTER_MESSAGE).toBe('Invalid filter pattern definition.');
  });

  it('refuses what is not a JSON object', () => {
    for (const pattern of ['', 'null', '[]', '"body"', '42', '{"body": ', "{'a': [1]}", null, [], 7]) {
      expect(() => compileEventPattern(pattern)).toThrow(FilterPatternError);
    }
  });

  it('accepts a pattern of exactly the longest length and refuses one character more', () => {
    const padding = (length: number) => `{"body": {"k": ["${'x'.repeat(length - 21)}"]}}`;

    expect(padding(MAX_FILTER_PATTERN_LENGTH)).toHaveLength(MAX_FILTER_PATTERN_LENGTH);
    expect(() => compileEventPattern(padding(MAX_FILTER_PATTERN_LENGTH))).not.toThrow();
    expect(() => compileEventPattern(padding(MAX_FILTER_PATTERN_LENGTH + 1))).toThrow(FilterPatternError);
  });

  it('accepts every operator form EventBridge documents', () => {
    const pattern = {
      body: {
        a: ['x', 1, null, true],
        b: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'X' } }],
        c: [{ suffix: 'x' }, { suffix: { 'equals-ignore-case': 'X' } }],
        d: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b*c' }, { exists: false }],
        e: [{ 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['x', 'y'] }],
        f: [{ 'anything-but': { prefix: ['a', 'b'] } }, { 'anything-but': { suffix: 'z' } }],
        g: [{ 'anything-but': { 'equals-ignore-case': ['a'] } }, { 'anything-but': { wildcard: 'a*' } }],
        h: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3.018e2] }, { cidr: '2001:db8::/32' }],
        $or: [{ i: [1] }, { j: { k: ['x'] } }],
      },
    };

    expect(() => compileEventPattern(pattern)).not.toThrow();
  });
});

describe('compileFilterCriteria', () => {
  const filter = { Pattern: '{"body": {"k": ["v"]}}' };

  it('accepts up to five filters and refuses a sixth', () => {
    expect(compileFilterCriteria(Array(5).fill(filter)).patterns).toHaveLength(5);
    expect(() => compileFilterCriteria(Array(6).fill(filter))).toThrow(FilterPatternError);
  });

  it('refuses the whole criteria when one pattern is invalid', () => {
    expect(() => compileFilterCriteria([filter, { Pattern: '{"body": "x"}' }])).toThrow(
      '"body" must be an object or an array',
    );
  });
});

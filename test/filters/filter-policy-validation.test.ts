import { describe, expect, it } from 'vitest';
import {
  compileFilterPolicy,
  FilterPolicyError,
  type FilterPolicyScope,
  MAX_FILTER_POLICY_BYTES,
  matchesFilterPolicy,
  parseFilterPolicyScope,
} from '../../lambda/filters/index.js';

function errorFor(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): FilterPolicyError {
  try {
    compileFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope);
  } catch (error) {
    if (error instanceof FilterPolicyError) return error;
    throw error;
  }
  throw new Error(`policy was accepted: ${JSON.stringify(policy)}`);
}

function accepts(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): boolean {
  compileFilterPolicy(JSON.stringify(policy), scope);
  return true;
}

/** Policies SNS refuses, with the reasons it gives (recorded against AWS by LocalStack's snapshot tests). */
const REFUSED: readonly (readonly [string, unknown, string])[] = [
  ['a list in a list', { key: [['value']] }, 'Match value must be String, number, true, false, or null'],
  ['an unknown operator', { key: [{ 'wrong-operator': true }] }, 'Unrecognized match type wrong-operator'],
  [
    'two operators in one',
    { key: [{ suffix: 'value', prefix: 'value2' }] },
    'Only one key allowed in match expression',
  ],
  ['an empty list', { key: [] }, 'Empty arrays are not allowed'],
  ['a numeric suffix', { key: [{ suffix: 100 }] }, 'suffix match pattern must be a string'],
  ['a null suffix', { key: [{ suffix: null }] }, 'suffix match pattern must be a string'],
  ['an empty suffix list', { key: [{ suffix: [] }] }, 'suffix match pattern must be a string'],
  ['a suffix list', { key: [{ suffix: ['test', 'test2'] }] }, 'suffix match pattern must be a string'],
  ['a bare string', { key_a: 'value_one' }, '"key_a" must be an object or an array'],
  ['cidr of a list', { key: [{ cidr: ['bad-filter'] }] }, 'prefix match pattern must be a string'],
  ['cidr without a slash', { key: [{ cidr: 'bad-filter' }] }, "Malformed CIDR, one '/' required"],
  ['cidr of a bad address', { key: [{ cidr: 'bad-filter/64' }] }, 'Nonstandard IP address: bad-filter'],
  [
    'cidr with a bad mask',
    { key: [{ cidr: 'bad-/64filter' }] },
    'Malformed CIDR, mask bits must be an integer',
  ],
  ['cidr of a bad IPv4', { key: [{ cidr: 'xx.11.xx/8' }] }, 'Nonstandard IP address: xx.11.xx'],
  [
    'cidr of a bad IPv6',
    { key: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] },
    'Nonstandard IP address: xxxx:db8:1234:1a00::',
  ],
  ['numeric of nothing', { key: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
  [
    'an unknown comparison',
    { key: [{ numeric: ['operator'] }] },
    'Unrecognized numeric range operator: operator',
  ],
  ['a number first', { key: [{ numeric: [1, '<='] }] }, 'Invalid member in numeric match: 1'],
  ['a string operand', { key: [{ numeric: ['=', '000'] }] }, 'Value of equals must be numeric'],
  ['a missing operand', { key: [{ numeric: ['>='] }] }, 'Value of >= must be numeric'],
  [
    'upper bound first',
    { key: [{ numeric: ['<', 100, '>', 10] }] },
    'Too many elements in numeric expression',
  ],
  ['two lower bounds', { key: [{ numeric: ['>=', 1, '>', 2] }] }, 'Bad numeric range operator: >'],
  ['bounds the wrong way', { key: [{ numeric: ['>', 3, '<', 1] }] }, 'Bottom must be less than top'],
  ['a missing upper operand', { key: [{ numeric: ['>', 20, '<='] }] }, 'Value of <= must be numeric'],
  ['a number for an operator', { key: [{ numeric: ['>', 20, 30] }] }, 'Bad value in numeric range: 30'],
  [
    'an unknown upper operator',
    { key: [{ numeric: ['>', 20, 'test'] }] },
    'Bad numeric range operator: test',
  ],
  ['a string lower operand', { key: [{ numeric: ['>', '20', '<', '30'] }] }, 'Value of > must be numeric'],
  ['a string upper operand', { key: [{ numeric: ['>', 20, '<', '30'] }] }, 'Value of < must be numeric'],
  [
    'three bounds',
    { key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] },
    'Too many terms in numeric range expression',
  ],
  ['exists of null', { key: [{ exists: null }] }, 'exists match pattern must be either true or false.'],
  ['exists of a string', { key: [{ exists: 'no' }] }, 'exists match pattern must be either true or false.'],
  [
    'anything-but an unknown operator',
    { key: [{ 'anything-but': { 'wrong-operator': null } }] },
    'Unsupported anything-but pattern: wrong-operator',
  ],
  [
    'anything-but exists',
    { key: [{ 'anything-but': { exists: false } }] },
    'Unsupported anything-but pattern: exists',
  ],
  [
    'anything-but a false prefix',
    { key: [{ 'anything-but': { prefix: false } }] },
    'prefix match pattern must be a string',
  ],
  ['wildcard, which SNS lacks', { key: [{ wildcard: 'a*' }] }, 'Unrecognized match type wildcard'],
  [
    'six keys',
    { a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] },
    'Filter policy can not have more than 5 keys',
  ],
  ['151 values', { key: Array.from({ length: 151 }, (_, i) => `value${i}`) }, 'Filter policy is too complex'],
  [
    '100 × 51 values',
    { key1: Array.from({ length: 100 }, (_, i) => i), key2: Array.from({ length: 51 }, (_, i) => i) },
    'Filter policy is too complex',
  ],
  [
    '4 × (6 + 4 × (4 + 4)) = 152 combinations through $or',
    {
      source: ['aws.cloudwatch', 'aws.events', 'aws.test', 'aws.test2'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency', 't1', 't2', 't3', 't4'] },
        {
          metricType: ['MetricType', 'TestType', 'TestType2', 'TestType3'],
          $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4] }],
        },
      ],
    },
    'Filter policy is too complex',
  ],
];

describe('compileFilterPolicy refusals', () => {
  it.each(REFUSED)('refuses %s', (_name, policy, reason) => {
    const error = errorFor(policy);

    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`Invalid parameter: FilterPolicy: ${reason}`);
    expect(error.subscribeMessage).toBe(`Invalid parameter: Attributes Reason: FilterPolicy: ${reason}`);
    expect(error.code).toBe('InvalidParameter');
  });

  it('refuses nesting in the MessageAttributes scope with its own message', () => {
    const error = errorFor({ object: { key: [{ prefix: 'auto-' }] } }, 'MessageAttributes');

    expect(error.message).toBe(
      'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    );
    expect(error.subscribeMessage).toBe(
      'Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy',
    );
  });

  it('refuses text that is not a JSON object', () => {
    for (const text of ['{invalidjson}', '', 'null', '[]', '"policy"', '{"key": ["v"]']) {
      expect(errorFor(text).message).toBe('Invalid parameter: FilterPolicy: failed to parse JSON.');
    }
  });

  it('refuses a FilterPolicyScope other than the two SNS knows', () => {
    expect(parseFilterPolicyScope('MessageBody')).toBe('MessageBody');
    expect(() => parseFilterPolicyScope('RandomValue')).toThrow(
      'Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes',
    );
  });
});

describe('compileFilterPolicy limits', () => {
  it('accepts five keys in either scope and refuses six in the body scope too', () => {
    const five = { a: [1], b: [1], c: [1], d: [1], e: [1] };

    expect(accepts(five, 'MessageAttributes')).toBe(true);
    expect(accepts(five, 'MessageBody')).toBe(true);
    expect(errorFor({ ...five, f: ['x'] }, 'MessageBody').reason).toBe(
      'Filter policy can not have more than 5 keys',
    );
  });

  it('counts only top-level keys of a nested policy', () => {
    expect(accepts({ a: { b: [1], c: [1], d: [1], e: [1], f: [1], g: [1] } }, 'MessageBody')).toBe(true);
  });

  it('accepts 150 combinations', () => {
    expect(accepts({ key: Array.from({ length: 150 }, (_, i) => i) })).toBe(true);
    expect(
      accepts({ a: Array.from({ length: 10 }, (_, i) => i), b: Array.from({ length: 15 }, (_, i) => i) }),
    ).toBe(true);
  });

  it('weighs nested keys by their depth, as the SNS guide computes', () => {
    const guideExample = {
      key_a: { key_b: { key_c: ['value_one', 'value_two', 'value_three', 'value_four'] } },
      key_d: { key_e: ['value_one', 'value_two', 'value_three'] },
    };

    expect(accepts(guideExample, 'MessageBody')).toBe(true);
    expect(errorFor({ ...guideExample, key_f: ['one', 'two', 'three'] }, 'MessageBody').reason).toBe(
      'Filter policy is too complex',
    );
  });

  it('adds $or branches, nested ones included, in the body scope', () => {
    const policy = {
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency', 'TestValue'] },
        { namespace: ['AWS/EC2', 'AWS/ES'] },
      ],
      detail: {
        scope: ['Service', 'Test'],
        $or: [
          { source: ['aws.cloudwatch'] },
          { type: ['CloudWatch Alarm State Change', 'TestValue', 'TestValue2'] },
        ],
      },
    };

    expect(errorFor(policy, 'MessageBody').reason).toBe('Filter policy is too complex');
  });

  it(`accepts a policy of ${MAX_FILTER_POLICY_BYTES} bytes and refuses one byte more`, () => {
    const sized = (bytes: number) =>
      `{"k": ["${'é'.repeat((bytes - 11) / 2)}${'x'.repeat((bytes - 11) % 2)}"]}`;

    expect(Buffer.byteLength(sized(MAX_FILTER_POLICY_BYTES))).toBe(MAX_FILTER_POLICY_BYTES);
    expect(() => compileFilterPolicy(sized(MAX_FILTER_POLICY_BYTES), 'MessageAttributes')).not.toThrow();
    expect(errorFor(sized(MAX_FILTER_POLICY_BYTES + 1)).reason).toBe('Filter policy is too long');
  });

  it('accepts the anything-but forms SNS documents', () => {
    expect(accepts({ key: [{ 'anything-but': { prefix: 'test-' } }] })).toBe(true);
    expect(accepts({ key: [{ 'anything-but': ['test', 'test2'] }] })).toBe(true);
    expect(accepts({ key: [{ 'anything-but': 'test' }] })).toBe(true);
    expect(accepts({ key: [{ 'anything-but': [100, 200] }] })).toBe(true);
  });

  it('accepts numbers beyond ±10^9 and past five decimals, as AWS was observed to, and compares them by value', () => {
    const policy = compileFilterPolicy(
      '{"n": [{"numeric": [">", 1000000000.000001]}], "m": [5e12]}',
      'MessageAttributes',
    );
    const message = (n: string) => ({
      messageAttributes: {
        n: { dataType: 'Number', stringValue: n },
        m: { dataType: 'Number', stringValue: '5000000000000' },
      },
    });

    expect(matchesFilterPolicy(policy, message('1000000000.00001'))).toBe(true);
    expect(matchesFilterPolicy(policy, message('1000000000'))).toBe(false);
  });

  it('accepts numbers, booleans and null as exact values', () => {
    expect(accepts({ key: ['a', 1, 2.5, true, false, null] })).toBe(true);
  });
});

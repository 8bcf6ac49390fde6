import { describe, expect, it } from 'vitest';
import {
  compileFilterPolicy,
  type FilterMessageAttribute,
  matchesFilterPolicy,
} from '../../lambda/filters/index.js';

const string = (value: string): FilterMessageAttribute => ({ dataType: 'String', stringValue: value });
const number = (value: string): FilterMessageAttribute => ({ dataType: 'Number', stringValue: value });
const array = (value: unknown[]): FilterMessageAttribute => ({
  dataType: 'String.Array',
  stringValue: JSON.stringify(value),
});
const binary: FilterMessageAttribute = { dataType: 'Binary', binaryValue: new Uint8Array([1, 2]) };

function passesAttributes(policy: unknown, attributes: Record<string, FilterMessageAttribute>): boolean {
  const compiled = compileFilterPolicy(JSON.stringify(policy), 'MessageAttributes');
  return matchesFilterPolicy(compiled, { messageAttributes: attributes, body: 'ignored' });
}

function passesBody(policy: unknown, body: unknown): boolean {
  const compiled = compileFilterPolicy(JSON.stringify(policy), 'MessageBody');
  return matchesFilterPolicy(compiled, { body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('SNS filter policy on message attributes', () => {
  it('matches String attributes exactly and case-sensitively', () => {
    const policy = { customer_interests: ['rugby', 'tennis'] };

    expect(passesAttributes(policy, { customer_interests: string('rugby') })).toBe(true);
    expect(passesAttributes(policy, { customer_interests: string('baseball') })).toBe(false);
    expect(passesAttributes(policy, { customer_interests: string('Rugby') })).toBe(false);
  });

  it('matches a String.Array attribute when any element matches', () => {
    const policy = { customer_interests: ['rugby', 'tennis'] };

    expect(passesAttributes(policy, { customer_interests: array(['rugby', 'tennis']) })).toBe(true);
    expect(passesAttributes(policy, { customer_interests: array(['soccer', 'tennis']) })).toBe(true);
    expect(passesAttributes(policy, { customer_interests: array(['baseball']) })).toBe(false);
    expect(passesAttributes(policy, { customer_interests: array([]) })).toBe(false);
  });

  it('matches anything-but on a String.Array when any element is not excluded', () => {
    const policy = { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] };

    expect(passesAttributes(policy, { customer_interests: array(['rugby', 'baseball']) })).toBe(true);
    expect(passesAttributes(policy, { customer_interests: array(['rugby']) })).toBe(false);
    expect(passesAttributes(policy, { customer_interests: string('football') })).toBe(true);
  });

  it('compares Number attributes by value', () => {
    expect(
      passesAttributes({ price_usd: [{ numeric: ['>=', 100, '<', 300] }] }, { price_usd: number('210.75') }),
    ).toBe(true);
    expect(passesAttributes({ price_usd: [{ numeric: ['>', 300] }] }, { price_usd: number('210.75') })).toBe(
      false,
    );
    expect(passesAttributes({ price_usd: [210.75] }, { price_usd: number('210.750') })).toBe(true);
    expect(passesAttributes({ price_usd: [{ numeric: ['=', 100] }] }, { price_usd: number('1e2') })).toBe(
      true,
    );
    expect(passesAttributes({ price_usd: [{ 'anything-but': [100] }] }, { price_usd: number('100.0') })).toBe(
      false,
    );
  });

  it('keeps String and Number attributes apart', () => {
    expect(passesAttributes({ n: ['100'] }, { n: number('100') })).toBe(false);
    expect(passesAttributes({ n: [100] }, { n: string('100') })).toBe(false);
    expect(passesAttributes({ n: [{ numeric: ['>', 1] }] }, { n: string('100') })).toBe(false);
  });

  it('compares numbers inside a String.Array', () => {
    expect(passesAttributes({ sizes: [{ numeric: ['>', 10] }] }, { sizes: array([1, 20]) })).toBe(true);
    expect(passesAttributes({ sizes: [{ numeric: ['>', 10] }] }, { sizes: array([1, 2]) })).toBe(false);
  });

  it('never matches a Binary attribute, which counts as absent', () => {
    expect(passesAttributes({ blob: [{ exists: true }] }, { blob: binary })).toBe(false);
    expect(passesAttributes({ blob: [{ 'anything-but': 'x' }] }, { blob: binary })).toBe(false);
    expect(passesAttributes({ blob: [{ exists: false }] }, { blob: binary })).toBe(true);
  });

  it.each([
    [{ prefix: 'bas' }, 'baseball', true],
    [{ prefix: 'bas' }, 'rugby', false],
    [{ suffix: 'ball' }, 'baseball', true],
    [{ suffix: 'ball' }, 'rugby', false],
    [{ 'equals-ignore-case': 'ORDER_PLACED' }, 'order_placed', true],
    [{ 'equals-ignore-case': 'ORDER_PLACED' }, 'order_cancelled', false],
    [{ 'anything-but': 'order_cancelled' }, 'order_placed', true],
    [{ 'anything-but': { prefix: 'order-' } }, 'data-entry', true],
    [{ 'anything-but': { prefix: 'order-' } }, 'order_number', true],
    [{ 'anything-but': { prefix: 'order-' } }, 'order-cancelled', false],
    [{ 'anything-but': { suffix: '-test' } }, 'order-live', true],
    [{ 'anything-but': { suffix: '-test' } }, 'order-test', false],
    [{ cidr: '10.0.0.0/24' }, '10.0.0.0', true],
    [{ cidr: '10.0.0.0/24' }, '10.0.0.255', true],
    [{ cidr: '10.0.0.0/24' }, '10.1.1.0', false],
    [{ exists: true }, 'anything', true],
    [{ exists: false }, 'anything', false],
  ] as const)('judges %j against the String %s as %s', (condition, value, expected) => {
    expect(passesAttributes({ key: [condition] }, { key: string(value) })).toBe(expected);
  });

  it('needs every key to match, and at least one value per key', () => {
    const policy = { store: ['example_corp'], event: [{ 'anything-but': 'order_cancelled' }] };

    expect(passesAttributes(policy, { store: string('example_corp'), event: string('order_placed') })).toBe(
      true,
    );
    expect(
      passesAttributes(policy, { store: string('example_corp'), event: string('order_cancelled') }),
    ).toBe(false);
    expect(passesAttributes(policy, { store: string('example_corp') })).toBe(false);
  });

  it('matches a missing attribute only through exists false', () => {
    expect(passesAttributes({ store: [{ exists: false }] }, {})).toBe(true);
    expect(passesAttributes({ store: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(passesAttributes({ store: [{ 'anything-but': 'x' }, { exists: false }] }, {})).toBe(true);
  });

  it('matches either side of $or', () => {
    const policy = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
    };

    expect(passesAttributes(policy, { source: string('aws.cloudwatch'), namespace: string('AWS/EC2') })).toBe(
      true,
    );
    expect(passesAttributes(policy, { source: string('aws.cloudwatch'), namespace: string('AWS/ES') })).toBe(
      false,
    );
  });

  it('matches an attribute whose name holds dots by its whole name', () => {
    expect(passesAttributes({ 'a.b': ['v'] }, { 'a.b': string('v') })).toBe(true);
  });

  it('lets everything through an empty policy', () => {
    expect(passesAttributes({}, {})).toBe(true);
  });
});

describe('SNS filter policy on the message body', () => {
  const transaction = {
    customer_interests: ['soccer', 'rugby', 'hockey'],
    store: 'example_corp',
    event: 'order_placed',
    price_usd: 210.75,
  };

  it('matches top-level keys of a JSON body, arrays element by element', () => {
    expect(
      passesBody({ customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] }, transaction),
    ).toBe(true);
    expect(passesBody({ customer_interests: ['golf'] }, transaction)).toBe(false);
  });

  it('matches nested keys, dotted or not', () => {
    const body = { detail: { payload: { status: 'shipped' } } };

    expect(passesBody({ detail: { payload: { status: ['shipped'] } } }, body)).toBe(true);
    expect(passesBody({ 'detail.payload': { status: ['shipped'] } }, body)).toBe(true);
    expect(passesBody({ detail: { payload: { status: ['lost'] } } }, body)).toBe(false);
  });

  it('matches keys inside arrays of objects', () => {
    const body = {
      orders: [
        { id: 'a', state: 'open' },
        { id: 'b', state: 'closed' },
      ],
    };

    expect(passesBody({ orders: { state: ['closed'] } }, body)).toBe(true);
    expect(passesBody({ orders: { state: ['void'] } }, body)).toBe(false);
  });

  it('never matches a body that is not a JSON object', () => {
    expect(passesBody({ k: [{ exists: false }] }, 'plain text')).toBe(false);
    expect(passesBody({ k: [{ exists: false }] }, '[1, 2]')).toBe(false);
    expect(passesBody({ k: [{ exists: false }] }, '"a string"')).toBe(false);
    expect(passesBody({ k: [{ exists: false }] }, '{"k": ')).toBe(false);
  });

  it('matches an empty string in a body that also holds an empty array', () => {
    const body = { resources: [], detail: { eventVersion: '', responseElements: null } };

    expect(passesBody({ detail: { eventVersion: [''] } }, body)).toBe(true);
    expect(passesBody({ resources: [{ exists: true }] }, body)).toBe(false);
  });

  it('matches addresses with cidr inside $or', () => {
    const policy = {
      detail: {
        $or: [
          { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] },
          { sourceIPAddressV6: [{ cidr: '2001:db8:1234:1a00::/64' }] },
        ],
      },
    };

    expect(passesBody(policy, { detail: { sourceIPAddress: '10.0.0.255' } })).toBe(true);
    expect(passesBody(policy, { detail: { sourceIPAddress: '10.0.0.256' } })).toBe(false);
    expect(
      passesBody(policy, { detail: { sourceIPAddressV6: '2001:0db8:1234:1a00:0000:0000:0000:0000' } }),
    ).toBe(true);
    expect(
      passesBody(policy, { detail: { sourceIPAddressV6: '2001:0db8:123f:1a01:0000:0000:0000:0000' } }),
    ).toBe(false);
  });

  it('ignores message attributes', () => {
    const compiled = compileFilterPolicy('{"store": ["example_corp"]}', 'MessageBody');

    expect(
      matchesFilterPolicy(compiled, { messageAttributes: { store: string('example_corp') }, body: '{}' }),
    ).toBe(false);
  });
});

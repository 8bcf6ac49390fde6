import { describe, expect, it } from 'vitest';
import { compileEventPattern, matchesEventPattern } from '../../lambda/filters/index.js';
import { jsonRecord } from './records.js';

/** Whether a record whose JSON body is `body` passes `{"body": bodyPattern}`. */
function passes(bodyPattern: Record<string, unknown>, body: unknown): boolean {
  return matchesEventPattern(compileEventPattern({ body: bodyPattern }), jsonRecord(body));
}

/** Whether `{"body": {"v": [condition]}}` passes a body of `{"v": value}` (or `{}` when value is undefined). */
function judges(condition: unknown, value: unknown): boolean {
  return passes({ v: [condition] }, value === undefined ? {} : { v: value });
}

type Case = readonly [condition: unknown, value: unknown, expected: boolean];

function table(cases: readonly Case[]) {
  return cases.map(([condition, value, expected]) => ({ condition, value, expected }));
}

describe('Lambda filter operators on an SQS JSON body', () => {
  it.each(
    table([
      ['BBBB', 'BBBB', true],
      ['BBBB', 'AAAA', false],
      ['BBBB', 'bbbb', false],
      ['', '', true],
      [300, 300, true],
      [300, 300.0, true],
      [300, '300', false],
      ['300', 300, false],
      [null, null, true],
      [null, 'null', false],
      [false, false, true],
      [false, true, false],
      ['a', ['x', 'a'], true],
      ['a', [], false],
      [null, [], false],
      ['A CamelCase string with an emoji 🚀 ', 'A CamelCase string with an emoji 🚀 ', true],
    ]),
  )('exact $condition against $value is $expected', ({ condition, value, expected }) => {
    expect(judges(condition, value)).toBe(expected);
  });

  it.each(
    table([
      [{ prefix: 'us-' }, 'us-east-1', true],
      [{ prefix: 'us-' }, 'eu-west-1', false],
      [{ prefix: 'us-' }, 'US-EAST-1', false],
      [{ prefix: '' }, 'anything', true],
      [{ prefix: 'us-' }, 12, false],
      [{ prefix: { 'equals-ignore-case': 'EventB' } }, 'EvEnTbridge', true],
      [{ prefix: { 'equals-ignore-case': 'EventB' } }, 'Lambda', false],
      [{ suffix: '.png' }, 'image.png', true],
      [{ suffix: '.png' }, 'image.PNG', false],
      [{ suffix: { 'equals-ignore-case': '.png' } }, 'image.PNG', true],
      [{ suffix: { 'equals-ignore-case': '.png' } }, 'image.jpg', false],
      [{ 'equals-ignore-case': 'ec2 instance state-change' }, 'EC2 Instance State-change', true],
      [{ 'equals-ignore-case': 'ec2' }, 'EC2 Instance', false],
      [{ 'equals-ignore-case': '' }, '', true],
      [{ 'equals-ignore-case': '' }, 'x', false],
    ]),
  )('prefix, suffix and equals-ignore-case: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it.each(
    table([
      [{ 'anything-but': 'initializing' }, 'pending', true],
      [{ 'anything-but': 'initializing' }, 'initializing', false],
      [{ 'anything-but': 'initializing' }, null, true],
      [{ 'anything-but': 'initializing' }, undefined, false],
      [{ 'anything-but': 123 }, 789, true],
      [{ 'anything-but': 123 }, 123, false],
      [{ 'anything-but': 0 }, 789, true],
      [{ 'anything-but': ['stopped', 'overloaded'] }, 'pending', true],
      [{ 'anything-but': ['stopped', 'overloaded'] }, 'stopped', false],
      [{ 'anything-but': [100, 200, 300] }, 100, false],
      [{ 'anything-but': [100, 200, 300] }, 999, true],
      [{ 'anything-but': ['rugby', 'tennis'] }, ['rugby', 'baseball'], true],
      [{ 'anything-but': ['rugby', 'tennis'] }, ['rugby'], false],
      [{ 'anything-but': { prefix: 'init' } }, 'post-init', true],
      [{ 'anything-but': { prefix: 'init' } }, 'init-prefix', false],
      [{ 'anything-but': { prefix: 'init' } }, 12, true],
      [{ 'anything-but': { prefix: ['init', 'post'] } }, 'post-init', false],
      [{ 'anything-but': { suffix: '.txt' } }, 'file.txt.bak', true],
      [{ 'anything-but': { suffix: '.txt' } }, 'file.txt', false],
      [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }, 'file.jpg', false],
      [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }, 'pending', true],
      [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }, 'INITIALIZING', false],
      [{ 'anything-but': { 'equals-ignore-case': ['a', 'stopped'] } }, 'Stopped', false],
      [{ 'anything-but': { wildcard: '*/dir/*' } }, 'dir/init/file', true],
      [{ 'anything-but': { wildcard: '*/init/*' } }, 'dir/init/file', false],
      [{ 'anything-but': { wildcard: ['*/init/*', '*/dir/*'] } }, 'dir/post/dir', true],
      [{ 'anything-but': { wildcard: '' } }, 'dir/init/file', true],
      [{ 'anything-but': { wildcard: '*/dir/*' } }, 123, true],
    ]),
  )('anything-but: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it.each(
    table([
      [{ numeric: ['>', 0, '<=', 5] }, 3, true],
      [{ numeric: ['>', 0, '<=', 5] }, 5, true],
      [{ numeric: ['>', 0, '<=', 5] }, 0, false],
      [{ numeric: ['>', 0, '<=', 5] }, 42, false],
      [{ numeric: ['>=', 200, '<', 500] }, 200, true],
      [{ numeric: ['>=', 200, '<', 500] }, 500, false],
      [{ numeric: ['<', 10] }, 9.999, true],
      [{ numeric: ['<', 10] }, 10, false],
      [{ numeric: ['<=', 10] }, 10, true],
      [{ numeric: ['=', 3.018e2] }, 301.8, true],
      [{ numeric: ['=', 100] }, 100.0, true],
      [{ numeric: ['=', 100] }, 100.5, false],
      [{ numeric: ['>', 100] }, 101.0, true],
      [{ numeric: ['>', 100] }, '300', false],
      [{ numeric: ['>', 100] }, null, false],
      [{ numeric: ['>', 100] }, [1, 200], true],
      [{ numeric: ['>', -1e9] }, -999999999.99999, true],
    ]),
  )('numeric: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it.each(
    table([
      [{ exists: true }, 'pending', true],
      [{ exists: true }, null, true],
      [{ exists: true }, '', true],
      [{ exists: true }, undefined, false],
      [{ exists: true }, [], false],
      [{ exists: true }, { nested: 1 }, false],
      [{ exists: false }, undefined, true],
      [{ exists: false }, 'pending', false],
      [{ exists: false }, [], true],
    ]),
  )('exists: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it.each(
    table([
      [{ cidr: '10.0.0.0/24' }, '10.0.0.255', true],
      [{ cidr: '10.0.0.0/24' }, '10.0.1.0', false],
      [{ cidr: '10.0.0.0/24' }, '10.0.0.256', false],
      [{ cidr: '10.0.0.0/24' }, 123, false],
      [{ cidr: '10.0.0.0/24' }, '2001:db8::1', false],
      [{ cidr: '0.0.0.0/0' }, '255.255.255.255', true],
      [{ cidr: '192.168.1.7/32' }, '192.168.1.7', true],
      [{ cidr: '192.168.1.7/32' }, '192.168.1.8', false],
      [{ cidr: '2001:db8:1234:1a00::/64' }, '2001:0db8:1234:1a00:0000:0000:0000:0000', true],
      [{ cidr: '2001:db8:1234:1a00::/64' }, '2001:db8:1234:1a00:ffff:ffff:ffff:ffff', true],
      [{ cidr: '2001:db8:1234:1a00::/64' }, '2001:0db8:123f:1a01:0000:0000:0000:0000', false],
      [{ cidr: '::ffff:0:0/96' }, '::ffff:10.1.2.3', true],
      [{ cidr: '2001:db8::/32' }, 'not an address', false],
    ]),
  )('cidr: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it.each(
    table([
      [{ wildcard: '/Users/*/doc.txt' }, '/Users/ls_user/dir/dir/doc.txt', true],
      [{ wildcard: '/Users/*/doc.txt' }, '/Users/ls_user/dir/notmatchingdoc.txt', false],
      [
        { wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' },
        'arn:aws:events:us-east-1:1:event-bus/b',
        true,
      ],
      [{ wildcard: '*' }, '', true],
      [{ wildcard: '' }, 'x', false],
      [{ wildcard: '' }, '', true],
      [{ wildcard: 'a*a' }, 'a', false],
      [{ wildcard: 'a*a' }, 'aa', true],
      [{ wildcard: 'price\\*' }, 'price*', true],
      [{ wildcard: 'price\\*' }, 'prices', false],
      [{ wildcard: 'x*' }, 5, false],
    ]),
  )('wildcard: $condition against $value is $expected', (c) => {
    expect(judges(c.condition, c.value)).toBe(c.expected);
  });

  it('ANDs keys and ORs the values listed for one key', () => {
    const pattern = { Location: ['New York', 'Boston'], Day: ['Monday'] };

    expect(passes(pattern, { Location: 'Boston', Day: 'Monday' })).toBe(true);
    expect(passes(pattern, { Location: 'Boston', Day: 'Sunday' })).toBe(false);
    expect(passes(pattern, { Location: 'Paris', Day: 'Monday' })).toBe(false);
  });

  it('matches any one branch of $or, at any level', () => {
    const pattern = {
      detail: {
        $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }],
      },
    };

    expect(passes(pattern, { detail: { 'c-count': 0, 'd-count': 0 } })).toBe(true);
    expect(passes(pattern, { detail: { 'c-count': 0, 'd-count': 10 } })).toBe(false);
  });

  it('treats dotted keys and nested keys alike, in the pattern and in the body', () => {
    expect(passes({ state: { status: ['running'] } }, { 'state.status': 'running' })).toBe(true);
    expect(passes({ 'state.status': ['running'] }, { state: { status: 'running' } })).toBe(true);
    expect(passes({ 'state.status': { status: ['running'] } }, { state: { status: 'running' } })).toBe(false);
  });

  it('reaches keys inside arrays of objects', () => {
    const body = { automations: [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }] };

    expect(passes({ automations: { id: [{ exists: true }] } }, body)).toBe(true);
    expect(passes({ automations: { id: ['other'] } }, body)).toBe(false);
  });

  it('compares keys case-sensitively and ignores keys the pattern does not name', () => {
    expect(passes({ MY_KEY: ['v'] }, { my_key: 'v' })).toBe(false);
    expect(passes({ my_key: ['v'] }, { my_key: 'v', other: 'x' })).toBe(true);
  });

  it('matches an empty pattern against every record', () => {
    expect(matchesEventPattern(compileEventPattern('{}'), jsonRecord({ a: 1 }))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  compileFilterPolicy,
  type FilterMessageAttribute,
  FilterPatternError,
  FilterPolicyError,
  matchesEventPattern,
  matchesFilterPolicy,
} from '../../lambda/filters/index.js';
import { jsonRecord, sqsRecord } from './records.js';

/** `{"a": {"a": ... {"a": leaf}}}`, `depth` levels deep, built without recursion. */
function nested(depth: number, leaf: unknown): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

function nestedText(depth: number, leaf: string): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

describe('hostile patterns', () => {
  it('refuses an event pattern nested thousands deep without exhausting the stack', () => {
    expect(() => compileEventPattern(nested(20_000, ['x']))).toThrow(FilterPatternError);
    expect(() => compileEventPattern({ $or: [nested(5_000, ['x']), { b: [1] }] })).toThrow(
      FilterPatternError,
    );
  });

  it('refuses an $or nested thousands deep', () => {
    let pattern: Record<string, unknown> = { k: ['v'] };
    for (let i = 0; i < 10_000; i++) pattern = { $or: [pattern, { k: ['w'] }] };

    expect(() => compileEventPattern(pattern)).toThrow(FilterPatternError);
  });

  it('refuses a filter policy nested to the size limit, in both scopes', () => {
    const deep = nestedText(40_000, '["x"]');

    expect(() => compileFilterPolicy(deep, 'MessageBody')).toThrow('Filter policy is too complex');
    expect(() => compileFilterPolicy(deep, 'MessageAttributes')).toThrow(
      'Filter policy scope MessageAttributes does not support nested filter policy',
    );
  });

  it('refuses a filter policy with an $or nested thousands deep', () => {
    const deep = `${'{"$or":[{"k":["v"]},'.repeat(10_000)}{"k":["w"]}${']}'.repeat(10_000)}`;

    expect(() => compileFilterPolicy(deep, 'MessageBody')).toThrow('Filter policy is too complex');
  });

  it('refuses garbage, control characters and broken UTF-16 as JSON', () => {
    for (const text of [
      '\u0000',
      '\uFEFF{}',
      '{"a": [1]}}',
      '{"a": [1],}',
      "{'a': [1]}",
      '\ud800',
      '{"a": NaN}',
    ]) {
      expect(() => compileEventPattern(text)).toThrow(FilterPatternError);
      expect(() => compileFilterPolicy(text, 'MessageAttributes')).toThrow(FilterPolicyError);
    }
  });

  it('compiles and matches a lone surrogate like any other character', () => {
    const lone = '\ud800';

    expect(matchesEventPattern(compileEventPattern({ body: { k: [lone] } }), jsonRecord({ k: lone }))).toBe(
      true,
    );
    expect(
      matchesEventPattern(compileEventPattern({ body: { k: [lone] } }), jsonRecord({ k: '\udc00' })),
    ).toBe(false);
    expect(
      matchesEventPattern(compileEventPattern({ body: [{ prefix: lone }] }), sqsRecord(`${lone}tail`)),
    ).toBe(true);
    const policy = compileFilterPolicy(`{"k": [{"equals-ignore-case": "\\ud800A"}]}`, 'MessageAttributes');
    expect(
      matchesFilterPolicy(policy, {
        messageAttributes: { k: { dataType: 'String', stringValue: `${lone}a` } },
      }),
    ).toBe(true);
  });

  it('treats keys named like Object members as plain keys', () => {
    const pattern = compileEventPattern('{"body": {"__proto__": ["x"], "constructor": [{"exists": true}]}}');

    expect(matchesEventPattern(pattern, sqsRecord('{"__proto__": "x", "constructor": 1}'))).toBe(true);
    expect(matchesEventPattern(pattern, sqsRecord('{"constructor": 1}'))).toBe(false);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('hostile messages', () => {
  const pattern = compileEventPattern({ body: { a: { a: ['x'] }, b: [{ exists: false }] } });

  it('matches against a body nested 100,000 deep without exhausting the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObjects = nestedText(100_000, '"x"');

    expect(matchesEventPattern(pattern, sqsRecord(`{"a": ${deep}}`))).toBe(false);
    expect(matchesEventPattern(pattern, sqsRecord(deepObjects))).toBe(false);
    expect(
      matchesEventPattern(compileEventPattern({ body: { a: [{ exists: true }] } }), sqsRecord(deepObjects)),
    ).toBe(false);
  });

  it('matches the one element that fits in an array of 100,000', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `v${i}`);

    expect(
      matchesEventPattern(compileEventPattern({ body: { k: ['v99999'] } }), jsonRecord({ k: values })),
    ).toBe(true);
    expect(
      matchesEventPattern(compileEventPattern({ body: { k: ['nope'] } }), jsonRecord({ k: values })),
    ).toBe(false);
  });

  it('matches a worst-case wildcard against a long value without backtracking', () => {
    const wildcard = compileEventPattern({ body: { k: [{ wildcard: '*a*a*a*a*b' }] } });
    const value = 'a'.repeat(200_000);

    expect(matchesEventPattern(wildcard, jsonRecord({ k: value }))).toBe(false);
    expect(matchesEventPattern(wildcard, jsonRecord({ k: `${value}b` }))).toBe(true);
  });

  it('answers false, never throws, for records missing or mangling their fields', () => {
    const mangled = [
      { body: undefined },
      { body: 42 },
      { body: null, attributes: null },
      { body: '{}', messageAttributes: 'not an object' },
      { body: '{"a": {"a": 1e400}}' },
    ] as unknown as Parameters<typeof matchesEventPattern>[1][];

    for (const record of mangled) expect(matchesEventPattern(pattern, record)).toBe(false);
  });

  it('answers for attributes of any shape without throwing', () => {
    const policy = compileFilterPolicy(
      '{"k": [{"numeric": [">", 0]}, "x", {"exists": false}]}',
      'MessageAttributes',
    );
    const shapes = [
      { dataType: 'Number', stringValue: 'abc' },
      { dataType: 'Number', stringValue: '' },
      { dataType: 'Number.float', stringValue: '1e999' },
      { dataType: 'String.Array', stringValue: 'not json' },
      { dataType: 'String.Array', stringValue: '{"a": 1}' },
      { dataType: 'String.Array', stringValue: '[[1], {"a": 2}]' },
      { dataType: 'Custom', stringValue: 'x' },
      { dataType: 7, stringValue: 'x' },
      { dataType: 'String' },
    ] as unknown as FilterMessageAttribute[];

    for (const attribute of shapes) {
      expect(matchesFilterPolicy(policy, { messageAttributes: { k: attribute } })).toBeTypeOf('boolean');
    }
    expect(
      matchesFilterPolicy(policy, { messageAttributes: { k: { dataType: 'Number', stringValue: '1' } } }),
    ).toBe(true);
    expect(matchesFilterPolicy(policy, {})).toBe(true);
  });

  it('answers false for a body-scoped policy and a missing or hostile body', () => {
    const policy = compileFilterPolicy('{"k": [{"exists": false}]}', 'MessageBody');

    for (const body of [undefined, '', '\u0000', '\ud800', `${'['.repeat(100_000)}${']'.repeat(100_000)}`]) {
      expect(matchesFilterPolicy(policy, { body })).toBe(false);
    }
    expect(matchesFilterPolicy(policy, { body: nestedText(100_000, '1') })).toBe(true);
  });
});

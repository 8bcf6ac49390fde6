import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  compileFilterCriteria,
  matchesEventPattern,
  matchesFilterCriteria,
} from '../../lambda/filters/index.js';
import { jsonRecord, sqsRecord } from './records.js';

function passes(pattern: unknown, record = sqsRecord('hello')): boolean {
  return matchesEventPattern(compileEventPattern(pattern), record);
}

describe('Lambda filters on SQS records', () => {
  it("filters a JSON body by its keys (the guide's RequestCode example)", () => {
    const pattern = '{ "body" : { "RequestCode" : [ "BBBB" ] } }';
    const body = (code: string) =>
      `{\n "RecordNumber": 1234,\n "TimeStamp": "yyyy-mm-ddThh:mm:ss",\n "RequestCode": "${code}"\n}`;

    expect(passes(pattern, sqsRecord(body('BBBB')))).toBe(true);
    expect(passes(pattern, sqsRecord(body('AAAA')))).toBe(false);
  });

  it('filters a plain-string body as a string', () => {
    expect(passes({ body: ['hello'] }, sqsRecord('hello'))).toBe(true);
    expect(passes({ body: [{ prefix: 'hel' }] }, sqsRecord('hello'))).toBe(true);
    expect(passes({ body: [{ wildcard: '*ll*' }] }, sqsRecord('hello'))).toBe(true);
    expect(passes({ body: ['hello'] }, sqsRecord('goodbye'))).toBe(false);
  });

  it('drops a plain-string body when the pattern expects JSON keys, whatever the operator', () => {
    expect(passes({ body: { k: [{ exists: false }] } }, sqsRecord('plain text'))).toBe(false);
    expect(passes({ body: { k: [{ 'anything-but': 'x' }] } }, sqsRecord('plain text'))).toBe(false);
    expect(passes({ 'body.k': [{ exists: false }] }, sqsRecord('plain text'))).toBe(false);
  });

  it('drops a JSON body when the pattern expects a plain string, whatever the operator', () => {
    expect(passes({ body: [{ exists: false }] }, jsonRecord({ k: 1 }))).toBe(false);
    expect(passes({ body: [{ 'anything-but': 'x' }] }, jsonRecord({ k: 1 }))).toBe(false);
    expect(passes({ body: [{ prefix: '{' }] }, jsonRecord({ k: 1 }))).toBe(false);
  });

  it('treats a body that only looks like JSON as a plain string', () => {
    expect(passes({ body: [{ prefix: '{"k"' }] }, sqsRecord('{"k": '))).toBe(true);
    expect(passes({ body: { k: [{ exists: true }] } }, sqsRecord('{"k": '))).toBe(false);
  });

  it('treats a JSON array body as JSON', () => {
    expect(passes({ body: { k: ['v'] } }, sqsRecord('[{"k": "v"}, {"k": "w"}]'))).toBe(true);
  });

  it('filters on record metadata whatever the body is', () => {
    const pattern = { attributes: { ApproximateReceiveCount: ['1'] }, eventSource: ['aws:sqs'] };

    expect(passes(pattern, sqsRecord('plain'))).toBe(true);
    expect(passes(pattern, jsonRecord({ k: 1 }))).toBe(true);
    expect(passes({ attributes: { ApproximateReceiveCount: ['2'] } })).toBe(false);
  });

  it('filters on message attributes as Lambda shows them', () => {
    const record = sqsRecord('x', {
      messageAttributes: {
        color: { stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
    });

    expect(passes({ messageAttributes: { color: { stringValue: ['blue'] } } }, record)).toBe(true);
    expect(passes({ messageAttributes: { color: { stringValue: ['red'] } } }, record)).toBe(false);
    expect(passes({ messageAttributes: { size: [{ exists: false }] } }, record)).toBe(true);
  });

  it('combines metadata and body keys', () => {
    const pattern = { attributes: { SenderId: [{ prefix: 'AIDA' }] }, body: { n: [{ numeric: ['>', 5] }] } };

    expect(passes(pattern, jsonRecord({ n: 6 }))).toBe(true);
    expect(passes(pattern, jsonRecord({ n: 5 }))).toBe(false);
  });

  it('leaves the record as it was', () => {
    const record = jsonRecord({ k: 'v' });
    const before = structuredClone(record);

    passes({ body: { k: ['v'] } }, record);

    expect(record).toEqual(before);
  });
});

describe('FilterCriteria with several filters', () => {
  const criteria = compileFilterCriteria([
    { Pattern: '{"body": {"kind": ["order"]}}' },
    { Pattern: '{"body": {"kind": ["refund"], "amount": [{"numeric": [">", 100]}]}}' },
  ]);

  it('passes a record that matches any one filter', () => {
    expect(matchesFilterCriteria(criteria, jsonRecord({ kind: 'order' }))).toBe(true);
    expect(matchesFilterCriteria(criteria, jsonRecord({ kind: 'refund', amount: 500 }))).toBe(true);
  });

  it('drops a record that matches none', () => {
    expect(matchesFilterCriteria(criteria, jsonRecord({ kind: 'refund', amount: 5 }))).toBe(false);
    expect(matchesFilterCriteria(criteria, sqsRecord('order'))).toBe(false);
  });

  it('lets every record through when there are no filters', () => {
    expect(matchesFilterCriteria(compileFilterCriteria([]), sqsRecord('anything'))).toBe(true);
  });

  it('judges plain and JSON patterns of one mapping each against its own body format', () => {
    const mixed = compileFilterCriteria([
      { Pattern: '{"body": ["ping"]}' },
      { Pattern: '{"body": {"k": [1]}}' },
    ]);

    expect(matchesFilterCriteria(mixed, sqsRecord('ping'))).toBe(true);
    expect(matchesFilterCriteria(mixed, jsonRecord({ k: 1 }))).toBe(true);
    expect(matchesFilterCriteria(mixed, jsonRecord({ k: 2 }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { SnsError } from '../../lambda/topics/errors.js';
import {
  checkMessageAttributes,
  checkSubject,
  parseMessageStructure,
  publishSize,
} from '../../lambda/topics/publish-validation.js';

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SnsError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('Subject', () => {
  it('takes 1-100 printable ASCII characters and nothing else', () => {
    expect(refusal(() => checkSubject('s'.repeat(100)))).toBe('accepted');
    expect(refusal(() => checkSubject('s'.repeat(101)))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(refusal(() => checkSubject('tab\there'))).toBe('InvalidParameter: Invalid parameter: Subject');
    expect(refusal(() => checkSubject('é'))).toBe('InvalidParameter: Invalid parameter: Subject');
  });
});

describe('message attributes', () => {
  it.each([
    [
      { 'a..b': { dataType: 'String', stringValue: 'v' } },
      "Message attribute name can not have successive '.' character.",
    ],
    [
      { ['n'.repeat(257)]: { dataType: 'String', stringValue: 'v' } },
      'Length of message attribute name must be less than 256 bytes.',
    ],
    [
      { a: { dataType: 'Binary', stringValue: 'v' } },
      "The message attribute 'a' with type 'Binary' must use field 'Binary'.",
    ],
    [
      { a: { dataType: 'String.Array', stringValue: '{"not":"an array"}' } },
      "The message attribute 'a' has an invalid message attribute value, must be a JSON array.",
    ],
    [
      { a: { dataType: 'Number', stringValue: '1e999' } },
      "Could not cast message attribute 'a' value to number.",
    ],
  ])('refuses %j', (attributes, message) => {
    expect(refusal(() => checkMessageAttributes(attributes))).toBe(`ParameterValueInvalid: ${message}`);
  });

  it('accepts custom type labels and String.Array of scalars', () => {
    expect(
      refusal(() =>
        checkMessageAttributes({
          a: { dataType: 'String.custom', stringValue: 'v' },
          b: { dataType: 'String.Array', stringValue: '["x", 1, true, null]' },
          c: { dataType: 'Number.int', stringValue: '-12.5' },
        }),
      ),
    ).toBe('accepted');
  });
});

describe('publishSize', () => {
  it('counts the message and every attribute name, type and value in bytes', () => {
    expect(
      publishSize('é', {
        ab: { dataType: 'String', stringValue: 'xyz' },
        c: { dataType: 'Binary', binaryValue: new Uint8Array(4) },
      }),
    ).toBe(2 + (2 + 6 + 3) + (1 + 6 + 4));
  });
});

describe('parseMessageStructure', () => {
  it('keeps string values only and needs a default', () => {
    expect(parseMessageStructure('{"default":"d","sqs":"s","email":7}')).toEqual({ default: 'd', sqs: 's' });
    expect(refusal(() => parseMessageStructure('{"default":7}'))).toBe(
      'InvalidParameter: Invalid parameter: Message Structure - No default entry in JSON message body',
    );
    expect(refusal(() => parseMessageStructure('[1]'))).toBe(
      'InvalidParameter: Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  });
});

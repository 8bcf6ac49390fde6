import { describe, expect, it } from 'vitest';
import { checkField, isWellFormed } from '../../lambda/engine/field-rules.js';
import { decodeRequestBody, parseFormParams } from '../../lambda/protocol/body.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decodeRequestBody', () => {
  it('decodes UTF-8 as it is, astral characters included', () => {
    expect(decodeRequestBody(utf8('{"MessageBody":"héllo 😀"}'))).toBe('{"MessageBody":"héllo 😀"}');
  });

  it('keeps bytes that are not UTF-8 as lone surrogates, so no field rule can take them for text', () => {
    const text = decodeRequestBody(new Uint8Array([0x61, 0xff, 0x62, 0xc3]));

    expect(text).toBe('a\udcffb\udcc3');
    expect(isWellFormed(text)).toBe(false);
  });
});

describe('parseFormParams', () => {
  it('decodes names and values as URLSearchParams does for valid input', () => {
    const form = 'Action=SendMessage&MessageBody=a+b%20c%C3%A9&Empty=&Flag&Bad=%zz';

    expect(parseFormParams(form)).toEqual([...new URLSearchParams(form)]);
  });

  it('turns a percent-escape that is not UTF-8 into a lone surrogate instead of U+FFFD', () => {
    const [[name, value]] = parseFormParams('MessageBody=%FFok') as [[string, string]];

    expect(name).toBe('MessageBody');
    expect(isWellFormed(value)).toBe(false);
  });
});

describe('checkField', () => {
  it('returns a value within its rule', () => {
    expect(checkField('messageBody', 'MessageBody', 'plain text\t\n')).toBe('plain text\t\n');
  });

  it.each([
    ['messageBody', 'MessageBody', 'a\ud800b', 'InvalidMessageContents'],
    ['messageBody', 'MessageBody', 'nul\u0000', 'InvalidMessageContents'],
    ['messageBody', 'MessageBody', 'noncharacter\uffff', 'InvalidMessageContents'],
    ['tagKey', 'Tag.1.Key', 'k\udfff', 'InvalidParameterValue'],
    ['tagKey', 'Tag.1.Key', 'k'.repeat(129), 'InvalidParameterValue'],
    ['fifoId', 'MessageGroupId', 'has space', 'InvalidParameterValue'],
    ['fifoId', 'MessageGroupId', 'g'.repeat(129), 'InvalidParameterValue'],
    ['batchEntryId', 'SendMessageBatchRequestEntry.1.Id', 'id.with.dots', 'InvalidBatchEntryId'],
    ['receiptHandle', 'ReceiptHandle', 'not a handle!', 'ReceiptHandleIsInvalid'],
    ['queueName', 'QueueName', 'q'.repeat(81), 'InvalidParameterValue'],
  ] as const)('refuses %s %s = %j with %s', (kind, field, value, code) => {
    expect(() => checkField(kind, field, value)).toThrow(expect.objectContaining({ code }));
  });
});

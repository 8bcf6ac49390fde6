import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import { validateMessage } from '../../lambda/engine/message-validation.js';
import type { SendMessageFields } from '../../lambda/engine/types.js';

const MAX = 1_048_576;

function errorOf(message: SendMessageFields): { code: string; message: string } | undefined {
  try {
    validateMessage(message, { MaximumMessageSize: String(MAX) });
    return undefined;
  } catch (error) {
    if (error instanceof SqsError) return { code: error.code, message: error.message };
    throw error;
  }
}

describe('message validation', () => {
  it('accepts the characters SQS allows, astral ones included', () => {
    expect(errorOf({ messageBody: 'tab\there\nline\r\u00e9 \u{1F600} \uE000 \uFFFD' })).toBeUndefined();
  });

  it.each(['\u0000', '\u0008', '\uFFFE', '\uFFFF', '\uD800'])('rejects U+%s in a body', (ch) => {
    expect(errorOf({ messageBody: `a${ch}b` })?.code).toBe('InvalidMessageContents');
  });

  it('counts the body and every attribute toward the size limit', () => {
    const body = 'x'.repeat(MAX - 'a'.length - 'String'.length - 1);
    const attributes = { a: { dataType: 'String', stringValue: 'v' } };

    expect(errorOf({ messageBody: body, messageAttributes: attributes })).toBeUndefined();
    expect(errorOf({ messageBody: `${body}x`, messageAttributes: attributes })).toEqual({
      code: 'InvalidParameterValue',
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${MAX} bytes.`,
    });
  });

  it.each([
    ['AWS.reserved', 'String', 'x'],
    ['amazon.reserved', 'String', 'x'],
    ['.leading', 'String', 'x'],
    ['trailing.', 'String', 'x'],
    ['two..dots', 'String', 'x'],
    ['bad name', 'String', 'x'],
    ['n', 'Text', 'x'],
    ['n', 'String', ''],
    ['n', 'Number', 'abc'],
    ['n', 'Number', '1'.repeat(39)],
  ])('rejects attribute %s of type %s with value %j', (name, dataType, stringValue) => {
    const error = errorOf({ messageBody: 'b', messageAttributes: { [name]: { dataType, stringValue } } });

    expect(error?.code).toBe('InvalidParameterValue');
  });

  it('accepts custom type labels and numbers SQS accepts', () => {
    const attributes = {
      price: { dataType: 'Number.usd', stringValue: '-12.50e3' },
      tag: { dataType: 'String.tag', stringValue: 'x' },
      raw: { dataType: 'Binary.png', binaryValue: Uint8Array.of(1) },
    };

    expect(errorOf({ messageBody: 'b', messageAttributes: attributes })).toBeUndefined();
  });

  it('allows at most 10 attributes', () => {
    const attributes = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`a${i}`, { dataType: 'String', stringValue: 'v' }]),
    );

    expect(errorOf({ messageBody: 'b', messageAttributes: attributes })?.message).toBe(
      'Number of message attributes [11] exceeds the allowed maximum [10].',
    );
  });

  it('takes only AWSTraceHeader as a system attribute', () => {
    expect(
      errorOf({
        messageBody: 'b',
        messageSystemAttributes: { AWSTraceHeader: { dataType: 'String', stringValue: 'Root=1' } },
      }),
    ).toBeUndefined();
    expect(
      errorOf({
        messageBody: 'b',
        messageSystemAttributes: { Other: { dataType: 'String', stringValue: 'x' } },
      })?.code,
    ).toBe('InvalidParameterValue');
  });

  it('rejects delays outside 0 to 900 seconds', () => {
    expect(errorOf({ messageBody: 'b', delaySeconds: 901 })?.message).toBe(
      'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
    );
  });
});

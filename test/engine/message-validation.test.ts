import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import {
  deduplicationIdOf,
  validateFifoBatchIds,
  validateMessage,
} from '../../lambda/engine/message-validation.js';
import type { SendMessageFields, StringMap } from '../../lambda/engine/types.js';

const MAX = 1_048_576;
const STANDARD: StringMap = { MaximumMessageSize: String(MAX) };
const FIFO: StringMap = { ...STANDARD, FifoQueue: 'true', ContentBasedDeduplication: 'false' };
const FIFO_CONTENT_BASED: StringMap = { ...FIFO, ContentBasedDeduplication: 'true' };

function errorOf(
  message: SendMessageFields,
  queueAttributes: StringMap = STANDARD,
): { code: string; message: string } | undefined {
  try {
    validateMessage(message, queueAttributes);
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

describe('message validation on a Standard queue', () => {
  it('rejects a MessageDeduplicationId as a parameter of the wrong queue type', () => {
    expect(errorOf({ messageBody: 'b', messageDeduplicationId: 'd' })).toEqual({
      code: 'InvalidParameterValue',
      message:
        'Value d for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.',
    });
  });

  it('accepts a MessageGroupId as a fair-queue tenant', () => {
    expect(errorOf({ messageBody: 'b', messageGroupId: 'tenant-1' })).toBeUndefined();
  });

  it('checks a MessageGroupId as FIFO queues do', () => {
    expect(errorOf({ messageBody: 'b', messageGroupId: 'group 123' })?.message).toBe(
      'Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  });
});

describe('message validation on a FIFO queue', () => {
  const valid = { messageBody: 'b', messageGroupId: 'g', messageDeduplicationId: 'd' };

  it('accepts a message with a group and a deduplication id', () => {
    expect(errorOf(valid, FIFO)).toBeUndefined();
  });

  it('requires a MessageGroupId', () => {
    expect(errorOf({ messageBody: 'b', messageDeduplicationId: 'd' }, FIFO)).toEqual({
      code: 'MissingParameter',
      message: 'The request must contain the parameter MessageGroupId.',
    });
  });

  it('requires a MessageDeduplicationId unless ContentBasedDeduplication is on', () => {
    const withoutId = { messageBody: 'b', messageGroupId: 'g' };

    expect(errorOf(withoutId, FIFO)).toEqual({
      code: 'InvalidParameterValue',
      message:
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    });
    expect(errorOf(withoutId, FIFO_CONTENT_BASED)).toBeUndefined();
  });

  it('reports a missing MessageGroupId before a missing MessageDeduplicationId', () => {
    expect(errorOf({ messageBody: 'b' }, FIFO)?.code).toBe('MissingParameter');
  });

  it.each([
    ['MessageGroupId', 'messageGroupId'],
    ['MessageDeduplicationId', 'messageDeduplicationId'],
  ] as const)('rejects a %s that is empty, too long or not printable ASCII', (parameter, field) => {
    for (const id of ['', 'x'.repeat(129), 'has space', 'caf\u00e9']) {
      expect(errorOf({ ...valid, [field]: id }, FIFO)).toEqual({
        code: 'InvalidParameterValue',
        message: `Value ${id} for parameter ${parameter} is invalid. Reason: ${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      });
    }
  });

  it('accepts ids of 128 letters, digits and punctuation', () => {
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    const id = `${punctuation}aZ09`.padEnd(128, 'x');

    expect(
      errorOf({ messageBody: 'b', messageGroupId: id, messageDeduplicationId: id }, FIFO),
    ).toBeUndefined();
  });

  it('rejects a per-message DelaySeconds, but takes an explicit 0', () => {
    expect(errorOf({ ...valid, delaySeconds: 2 }, FIFO)).toEqual({
      code: 'InvalidParameterValue',
      message:
        'Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
    });
    expect(errorOf({ ...valid, delaySeconds: 0 }, FIFO)).toBeUndefined();
  });
});

describe('deduplicationIdOf', () => {
  it('prefers the explicit MessageDeduplicationId, even with content-based deduplication', () => {
    expect(deduplicationIdOf({ messageBody: 'b', messageDeduplicationId: 'd' }, FIFO_CONTENT_BASED)).toBe(
      'd',
    );
  });

  it('hashes the UTF-8 body with SHA-256 under content-based deduplication', () => {
    expect(deduplicationIdOf({ messageBody: 'hello' }, FIFO_CONTENT_BASED)).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
    expect(deduplicationIdOf({ messageBody: '\u00e9' }, FIFO_CONTENT_BASED)).toBe(
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });

  it('ignores message attributes', () => {
    const attributes = { a: { dataType: 'String', stringValue: 'v' } };

    expect(deduplicationIdOf({ messageBody: 'b', messageAttributes: attributes }, FIFO_CONTENT_BASED)).toBe(
      deduplicationIdOf({ messageBody: 'b' }, FIFO_CONTENT_BASED),
    );
  });
});

describe('validateFifoBatchIds', () => {
  function batchErrorOf(entries: SendMessageFields[], queueAttributes: StringMap) {
    try {
      validateFifoBatchIds(entries, queueAttributes);
      return undefined;
    } catch (error) {
      if (error instanceof SqsError) return { code: error.code, message: error.message };
      throw error;
    }
  }
  const complete = { messageBody: 'b', messageGroupId: 'g', messageDeduplicationId: 'd' };

  it('refuses the whole batch when an entry lacks its MessageGroupId', () => {
    expect(batchErrorOf([complete, { messageBody: 'b', messageDeduplicationId: 'd' }], FIFO)).toEqual({
      code: 'InvalidParameterValue',
      message: 'The request must contain the parameter MessageGroupId.',
    });
  });

  it('refuses the whole batch when an entry lacks its MessageDeduplicationId', () => {
    const withoutId = { messageBody: 'b', messageGroupId: 'g' };

    expect(batchErrorOf([complete, withoutId], FIFO)?.message).toBe(
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
    expect(batchErrorOf([complete, withoutId], FIFO_CONTENT_BASED)).toBeUndefined();
  });

  it('leaves Standard queues alone', () => {
    expect(batchErrorOf([{ messageBody: 'b' }], STANDARD)).toBeUndefined();
  });
});

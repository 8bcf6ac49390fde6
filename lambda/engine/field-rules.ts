import {
  InvalidAttributeValue,
  InvalidParameterValue,
  invalidParameter,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  SqsError,
} from './errors.js';
import {
  MAX_BATCH_ENTRY_ID_LENGTH,
  MAX_FIFO_ID_LENGTH,
  MAX_MESSAGE_ATTRIBUTE_TYPE_LENGTH,
  MAX_QUEUE_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
} from './limits.js';

/**
 * Every string a client sends is checked here, once, before anything reaches storage: its characters, its length,
 * and so its bytes where it becomes part of a DynamoDB key (partition key at most 2,048 bytes, sort key 1,024).
 * A string that is not well-formed Unicode (a lone UTF-16 surrogate, from a JSON `\uDFFF` escape or from bytes
 * that are not UTF-8) fails every rule: DynamoDB Local cannot read back an item that holds one.
 */

/** The characters SQS allows in a body, attribute values and other free text (XML 1.0's Char production). */
const TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** Queue names, batch entry ids: letters, digits, `-` and `_`. */
const NAME = /^[A-Za-z0-9_-]*$/;
/** MessageGroupId, MessageDeduplicationId, ReceiveRequestAttemptId: letters, digits and punctuation. */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
/** ListQueues' QueueNamePrefix: what a queue name can start with. */
const QUEUE_NAME_PREFIX = /^[A-Za-z0-9_.-]*$/;
/** Opaque tokens this service hands out (receipt handles, NextToken, TaskHandle): base64 and base64url. */
const TOKEN = /^[A-Za-z0-9+/=_.-]*$/;
const LONE_SURROGATE = /\p{Cs}/u;

/** One client string's rule: the characters and length SQS allows, and SQS's error when it is broken. */
export interface FieldRule {
  /** Matches the whole value when every character is allowed. */
  readonly characters: RegExp;
  /** Fewest characters. */
  readonly minLength: number;
  /** Most characters; for key fields also small enough in UTF-8 bytes for a DynamoDB key. */
  readonly maxLength: number;
  /** SQS's error, naming the field as the client sent it (`SendMessageBatchRequestEntry.2.MessageBody`). */
  readonly error: (field: string, value: string) => SqsError;
}

const invalidValue =
  (reason: string) =>
  (field: string, value: string): SqsError =>
    invalidParameter(field, value, reason);

/** Every client string's rule, by what the string is. Numbers, lists and enums are checked where they are read. */
export const FIELD_RULES = {
  /** A queue's name (CreateQueue, GetQueueUrl, the name in an ARN): stored as the queue record's sort key. */
  queueName: {
    characters: NAME,
    minLength: 1,
    maxLength: MAX_QUEUE_NAME_LENGTH,
    error: () =>
      new InvalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      ),
  },
  queueNamePrefix: {
    characters: QUEUE_NAME_PREFIX,
    minLength: 0,
    maxLength: MAX_QUEUE_NAME_LENGTH,
    error: invalidValue(
      'Can only include alphanumeric characters, hyphens, underscores or periods. Up to 80 in length.',
    ),
  },
  /** Policy, KmsMasterKeyId, RedrivePolicy, RedriveAllowPolicy: free text, at most 20 KiB as SQS's policy limit. */
  queueAttributeValue: {
    characters: TEXT,
    minLength: 0,
    maxLength: 20_480,
    error: (field) => new InvalidAttributeValue(`Invalid value for the parameter ${field}.`),
  },
  tagKey: {
    characters: TEXT,
    minLength: 1,
    maxLength: MAX_TAG_KEY_LENGTH,
    error: () =>
      new InvalidParameterValue(
        `Tag keys must be between 1 and ${MAX_TAG_KEY_LENGTH} characters in length and contain only valid characters.`,
      ),
  },
  tagValue: {
    characters: TEXT,
    minLength: 0,
    maxLength: MAX_TAG_VALUE_LENGTH,
    error: () =>
      new InvalidParameterValue(
        `Tag values may only be up to ${MAX_TAG_VALUE_LENGTH} characters in length and contain only valid characters.`,
      ),
  },
  /** A message body; its size is checked against the queue's MaximumMessageSize in bytes elsewhere. */
  messageBody: {
    characters: TEXT,
    minLength: 1,
    maxLength: Number.POSITIVE_INFINITY,
    error: () => invalidContents(),
  },
  /** `String`, `Number` or `Binary`, optionally with a custom label: `Number.float`. */
  messageAttributeType: {
    characters: TEXT,
    minLength: 1,
    maxLength: MAX_MESSAGE_ATTRIBUTE_TYPE_LENGTH,
    error: (field) =>
      new InvalidParameterValue(
        `The type of ${field} is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      ),
  },
  /** String and Number attribute values, AWSTraceHeader. */
  messageAttributeValue: {
    characters: TEXT,
    minLength: 0,
    maxLength: Number.POSITIVE_INFINITY,
    error: () => invalidContents(),
  },
  /** MessageGroupId, MessageDeduplicationId, ReceiveRequestAttemptId: part of FIFO keys. */
  fifoId: {
    characters: PRINTABLE_ASCII,
    minLength: 1,
    maxLength: MAX_FIFO_ID_LENGTH,
    error: (field, value) =>
      invalidParameter(
        field,
        value,
        `${lastSegment(field)} can only include alphanumeric and punctuation characters. 1 to ${MAX_FIFO_ID_LENGTH} in length.`,
      ),
  },
  batchEntryId: {
    characters: NAME,
    minLength: 1,
    maxLength: MAX_BATCH_ENTRY_ID_LENGTH,
    error: () =>
      new SqsError(
        'InvalidBatchEntryId',
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most ${MAX_BATCH_ENTRY_ID_LENGTH} letters long.`,
      ),
  },
  receiptHandle: {
    characters: TOKEN,
    minLength: 1,
    maxLength: 1_024,
    error: (_field, value) => new ReceiptHandleIsInvalid(value),
  },
  nextToken: {
    characters: TOKEN,
    minLength: 1,
    maxLength: 1_024,
    error: () => new InvalidParameterValue('Invalid NextToken value.'),
  },
  taskHandle: {
    characters: TOKEN,
    minLength: 1,
    maxLength: 2_048,
    error: () => new InvalidParameterValue('Value for parameter TaskHandle is invalid.'),
  },
  /** SourceArn, DestinationArn: `arn:aws:sqs:region:account:name`, a name no longer than a queue's. */
  queueArn: {
    characters: TEXT,
    minLength: 1,
    maxLength: 256,
    error: (field) =>
      new SqsError(
        'ResourceNotFoundException',
        `The resource that you specified for the ${field} parameter doesn't exist.`,
      ),
  },
} as const satisfies Record<string, FieldRule>;

export type FieldKind = keyof typeof FIELD_RULES;

/**
 * Checks one client string against its field's rule and returns it; throws the field's SQS error.
 * @param field the member's name as the client sent it, for the message
 */
export function checkField(kind: FieldKind, field: string, value: string): string {
  const rule: FieldRule = FIELD_RULES[kind];
  if (
    typeof value !== 'string' ||
    value.length < rule.minLength ||
    value.length > rule.maxLength ||
    !rule.characters.test(value)
  ) {
    throw rule.error(field, typeof value === 'string' ? value : String(value));
  }
  return value;
}

/** Checks an optional client string; undefined passes. */
export function checkOptionalField(kind: FieldKind, field: string, value: string | undefined): void {
  if (value !== undefined) checkField(kind, field, value);
}

/** Whether a string holds only characters SQS allows in message text. */
export function isSqsText(text: string): boolean {
  return TEXT.test(text);
}

/** Whether a string is well-formed Unicode: no lone UTF-16 surrogate. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** SQS's answer to characters outside its set, in a body or a String attribute value. */
export function invalidContents(): SqsError {
  return new SqsError(
    'InvalidMessageContents',
    'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
  );
}

/** A queue name that breaks the rule names no queue: lookups answer `QueueDoesNotExist`, as SQS does. */
export function checkQueueNameForLookup(name: string): string {
  if (typeof name !== 'string' || !isValidQueueName(name)) throw new QueueDoesNotExist();
  return name;
}

/** Whether a name could be a queue's: a Standard name, or a FIFO name ending in `.fifo`. */
export function isValidQueueName(name: string): boolean {
  const base = name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
  return base.length > 0 && name.length <= MAX_QUEUE_NAME_LENGTH && NAME.test(base);
}

function lastSegment(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}

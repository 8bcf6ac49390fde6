import type { MessageAttributes, MessageAttributeValue } from '../engine/types.js';
import { invalidParameter, SnsError } from './errors.js';
import { isWellFormedText } from './text.js';

/** Message, subject and attributes as SNS checks them on Publish and on each PublishBatch entry. */

/** The whole publish: message, attribute names, types and values (SNS Developer Guide, "message attributes"). */
export const MAX_PUBLISH_BYTES = 262_144;
export const MAX_SUBJECT_LENGTH = 100;
export const MAX_ATTRIBUTE_NAME_BYTES = 256;
export const MAX_FIFO_ID_LENGTH = 128;

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;
/** Printable ASCII without line breaks. */
const SUBJECT = /^[\x20-\x7e]+$/;
/** MessageGroupId and MessageDeduplicationId: printable ASCII, as in SQS. */
const FIFO_ID = /^[!-~]+$/;

export function checkMessage(message: string, field = 'Message'): void {
  if (message === '') throw invalidParameter('Empty message');
  if (!isWellFormedText(message)) throw invalidParameter(`${field} Reason: the message is not valid UTF-8`);
}

export function checkSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || !SUBJECT.test(subject)) {
    throw invalidParameter('Subject');
  }
}

export function checkFifoId(
  name: 'MessageGroupId' | 'MessageDeduplicationId',
  value: string | undefined,
): void {
  if (value === undefined) return;
  if (value.length === 0 || value.length > MAX_FIFO_ID_LENGTH || !FIFO_ID.test(value)) {
    throw invalidParameter(
      `${name} Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
}

/** Each attribute's name, type and value, with SNS's ParameterValueInvalid messages. */
export function checkMessageAttributes(attributes: MessageAttributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    checkAttributeName(name);
    checkAttributeValue(name, value);
  }
}

function invalidValue(message: string): SnsError {
  return new SnsError('ParameterValueInvalid', message);
}

function checkAttributeName(name: string): void {
  if (Buffer.byteLength(name, 'utf8') > MAX_ATTRIBUTE_NAME_BYTES || name === '') {
    throw invalidValue('Length of message attribute name must be less than 256 bytes.');
  }
  if (name.startsWith('.'))
    throw invalidValue("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.'))
    throw invalidValue("Invalid message attribute name ending with character '.' was found.");
  if (!ATTRIBUTE_NAME.test(name)) {
    const bad = [...name].find((char) => !ATTRIBUTE_NAME.test(char)) ?? '';
    const code = (bad.codePointAt(0) ?? 0).toString(16).toUpperCase();
    throw invalidValue(
      `Invalid non-alphanumeric character '#x${code}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
    );
  }
  if (name.includes('..'))
    throw invalidValue("Message attribute name can not have successive '.' character.");
}

function checkAttributeValue(name: string, value: MessageAttributeValue): void {
  const type = value.dataType;
  if (type.length > 256 || !isWellFormedText(type) || !ATTRIBUTE_TYPE.test(type)) {
    throw invalidValue(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
    );
  }
  const binary = type.startsWith('Binary');
  const field = binary ? 'Binary' : 'String';
  const present = binary ? value.binaryValue : value.stringValue;
  const other = binary ? value.stringValue : value.binaryValue;
  if (present === undefined && other !== undefined) {
    throw invalidValue(`The message attribute '${name}' with type '${type}' must use field '${field}'.`);
  }
  if (present === undefined || present.length === 0) {
    throw invalidValue(
      `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
    );
  }
  if (binary) return;
  const text = value.stringValue as string;
  if (!isWellFormedText(text)) {
    throw invalidValue(`The message attribute '${name}' contains characters that are not valid UTF-8.`);
  }
  if (type.startsWith('Number') && !isSnsNumber(text)) {
    throw invalidValue(`Could not cast message attribute '${name}' value to number.`);
  }
  if (type === 'String.Array' && !isAttributeArray(text)) {
    throw invalidValue(
      `The message attribute '${name}' has an invalid message attribute value, must be a JSON array.`,
    );
  }
}

/** SNS numbers: what a JSON number can spell, within ±10^9 with up to five decimals (filter policies' range). */
function isSnsNumber(text: string): boolean {
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text.trim())) return false;
  const number = Number(text);
  return Number.isFinite(number);
}

/** String.Array: a JSON array of strings, numbers, booleans and nulls. */
function isAttributeArray(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return (
      Array.isArray(value) &&
      value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    );
  } catch {
    return false;
  }
}

/** What counts against the 256 KiB: the message and every attribute's name, type and value. */
export function publishSize(message: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(message, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.dataType, 'utf8');
    size += value.binaryValue?.length ?? Buffer.byteLength(value.stringValue ?? '', 'utf8');
  }
  return size;
}

/**
 * MessageStructure=json: the message is a JSON object with a string `default`; a subscription gets its
 * protocol's key (`sqs`) when there is one. Keys whose value is not a string are ignored, as SNS does.
 */
export function parseMessageStructure(message: string): Readonly<Record<string, string>> {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  const strings: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') strings[key] = field;
  if (strings.default === undefined) {
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  }
  return strings;
}

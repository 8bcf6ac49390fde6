import { createHash } from 'node:crypto';
import { InvalidParameterValue, invalidParameter, MissingParameter } from './errors.js';
import { checkField, isSqsText } from './field-rules.js';
import { MAX_DELAY_SECONDS, MAX_MESSAGE_ATTRIBUTE_NAME_LENGTH, MAX_MESSAGE_ATTRIBUTES } from './limits.js';
import { isFifoQueue } from './queue-attributes.js';
import type { MessageAttributes, SendMessageFields, StringMap } from './types.js';

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]*)?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_NUMBER_DIGITS = 38;
const TRACE_HEADER = 'AWSTraceHeader';
const NOT_FOR_THIS_QUEUE_TYPE = 'The request include parameter that is not valid for this queue type.';

export { invalidContents } from './field-rules.js';

/**
 * Checks one message as SQS does, before anything is written, and returns its size as SQS counts it
 * (body plus every attribute's name, type and value; AWSTraceHeader excluded). `queueAttributes` are the
 * queue's stored attributes: they decide the FIFO rules and the size limit.
 */
export function validateMessage(message: SendMessageFields, queueAttributes: StringMap): number {
  const maximumMessageSize = Number(queueAttributes.MaximumMessageSize);
  if (typeof message.messageBody !== 'string' || message.messageBody.length === 0) {
    throw new MissingParameter('MessageBody');
  }
  checkField('messageBody', 'MessageBody', message.messageBody);
  if (isFifoQueue(queueAttributes)) validateFifoFields(message, queueAttributes);
  else validateStandardFields(message);
  validateMessageAttributes(message.messageAttributes ?? {});
  validateSystemAttributes(message.messageSystemAttributes ?? {});
  const size = messageSize(message);
  if (size > maximumMessageSize) {
    throw new InvalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes.`,
    );
  }
  return size;
}

/**
 * The id a FIFO queue deduplicates a validated message by: its MessageDeduplicationId, else with
 * ContentBasedDeduplication the SHA-256 hex digest of its UTF-8 body (SQS hashes the body only, not the
 * attributes).
 */
export function deduplicationIdOf(message: SendMessageFields, queueAttributes: StringMap): string {
  if (message.messageDeduplicationId !== undefined) return message.messageDeduplicationId;
  if (queueAttributes.ContentBasedDeduplication === 'true') {
    return createHash('sha256').update(message.messageBody, 'utf8').digest('hex');
  }
  throw missingDeduplicationId();
}

/**
 * SendMessageBatch on a FIFO queue: SQS refuses the whole request, not just the entry, when an entry lacks
 * its MessageGroupId or, without ContentBasedDeduplication, its MessageDeduplicationId; both answer
 * InvalidParameterValue there, where a single SendMessage answers a missing group id with MissingParameter.
 * A no-op on a Standard queue.
 */
export function validateFifoBatchIds(
  entries: readonly SendMessageFields[],
  queueAttributes: StringMap,
): void {
  if (!isFifoQueue(queueAttributes)) return;
  for (const entry of entries) {
    if (entry.messageGroupId === undefined) {
      throw new InvalidParameterValue('The request must contain the parameter MessageGroupId.');
    }
    if (entry.messageDeduplicationId === undefined && queueAttributes.ContentBasedDeduplication !== 'true') {
      throw missingDeduplicationId();
    }
  }
}

function validateStandardFields(message: SendMessageFields): void {
  if (message.delaySeconds !== undefined) validateDelaySeconds(message.delaySeconds);
  if (message.messageDeduplicationId !== undefined) {
    throw invalidParameter('MessageDeduplicationId', message.messageDeduplicationId, NOT_FOR_THIS_QUEUE_TYPE);
  }
  // A Standard queue takes MessageGroupId as a fair-queue tenant.
  if (message.messageGroupId !== undefined) validateFifoId('MessageGroupId', message.messageGroupId);
}

function validateFifoFields(message: SendMessageFields, queueAttributes: StringMap): void {
  // A FIFO queue delays only as a whole; an explicit 0 is accepted and the queue's delay still applies.
  if (message.delaySeconds !== undefined && message.delaySeconds !== 0) {
    throw invalidParameter('DelaySeconds', message.delaySeconds, NOT_FOR_THIS_QUEUE_TYPE);
  }
  if (message.messageGroupId === undefined) throw new MissingParameter('MessageGroupId');
  validateFifoId('MessageGroupId', message.messageGroupId);
  if (message.messageDeduplicationId !== undefined) {
    validateFifoId('MessageDeduplicationId', message.messageDeduplicationId);
  } else if (queueAttributes.ContentBasedDeduplication !== 'true') {
    throw missingDeduplicationId();
  }
}

function missingDeduplicationId(): InvalidParameterValue {
  return new InvalidParameterValue(
    'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
  );
}

function validateDelaySeconds(delaySeconds: number): void {
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
    throw invalidParameter(
      'DelaySeconds',
      delaySeconds,
      `DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
    );
  }
}

/** Bytes SQS counts toward the size limit; tolerant of fields validation has not checked yet. */
export function messageSize(message: SendMessageFields): number {
  let size = typeof message.messageBody === 'string' ? Buffer.byteLength(message.messageBody, 'utf8') : 0;
  for (const [name, value] of Object.entries(message.messageAttributes ?? {})) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.dataType ?? '', 'utf8');
    size += value.binaryValue ? value.binaryValue.length : Buffer.byteLength(value.stringValue ?? '', 'utf8');
  }
  return size;
}

function validateFifoId(parameter: 'MessageGroupId' | 'MessageDeduplicationId', id: string): void {
  checkField('fifoId', parameter, id);
}

function validateMessageAttributes(attributes: MessageAttributes): void {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new InvalidParameterValue(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  for (const name of names) {
    validateAttributeName(name);
    validateAttributeValue(name, attributes[name], 'user');
  }
}

function validateSystemAttributes(attributes: MessageAttributes): void {
  for (const name of Object.keys(attributes)) {
    if (name !== TRACE_HEADER) {
      throw new InvalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    const value = attributes[name];
    if (value?.dataType !== 'String') {
      throw new InvalidParameterValue(`Message system attribute '${name}' must be of type 'String'.`);
    }
    validateAttributeValue(name, value, 'system');
  }
}

function validateAttributeName(name: string): void {
  const reason = attributeNameProblem(name);
  if (reason)
    throw new InvalidParameterValue(`Message (user) attribute name '${name}' is invalid. ${reason}`);
}

function attributeNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_MESSAGE_ATTRIBUTE_NAME_LENGTH) {
    return `The name must be between 1 and ${MAX_MESSAGE_ATTRIBUTE_NAME_LENGTH} characters long.`;
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    return 'The name can contain alphanumeric characters and the underscore (_), hyphen (-), and period (.).';
  }
  if (/^(aws\.|amazon\.)/i.test(name)) return "The name must not start with 'AWS.' or 'Amazon.'.";
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    return 'The name must not start or end with a period, and must not contain successive periods.';
  }
  return undefined;
}

function validateAttributeValue(
  name: string,
  value: MessageAttributes[string] | undefined,
  kind: 'user' | 'system',
): void {
  const dataType = value?.dataType;
  if (!dataType) {
    throw new InvalidParameterValue(
      `The message (${kind}) attribute '${name}' must contain a non-empty attribute type.`,
    );
  }
  checkField('messageAttributeType', `message (${kind}) attribute '${name}'`, dataType);
  if (!DATA_TYPE.test(dataType)) {
    throw new InvalidParameterValue(
      `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (dataType.startsWith('Binary')) {
    if (!value.binaryValue || value.binaryValue.length === 0 || value.stringValue !== undefined) {
      throw new InvalidParameterValue(
        `Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
      );
    }
    return;
  }
  const base = dataType.startsWith('Number') ? 'Number' : 'String';
  if (value.stringValue === undefined || value.stringValue.length === 0 || value.binaryValue !== undefined) {
    throw new InvalidParameterValue(
      `Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`,
    );
  }
  checkField('messageAttributeValue', name, value.stringValue);
  if (base === 'Number' && !isSqsNumber(value.stringValue)) {
    throw new InvalidParameterValue(
      `Can't cast the value of message (${kind}) attribute '${name}' to a number.`,
    );
  }
}

function isSqsNumber(text: string): boolean {
  if (!NUMBER.test(text)) return false;
  const mantissa = text.replace(/^[+-]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length > MAX_NUMBER_DIGITS) return false;
  const n = Number(text);
  return n === 0 || (Math.abs(n) >= 1e-128 && Math.abs(n) <= 1e126);
}

/**
 * The system attributes a message keeps: those sent, plus the request's X-Amzn-Trace-Id as AWSTraceHeader when none
 * was sent. A header that is not SQS text of at most 1,024 characters is ignored: it is the tracer's, not a parameter.
 */
export function systemAttributesToStore(message: SendMessageFields): MessageAttributes {
  const sent = message.messageSystemAttributes ?? {};
  const header = message.traceHeader;
  if (header === undefined || sent.AWSTraceHeader !== undefined) return sent;
  if (header === '' || header.length > MAX_TRACE_HEADER_LENGTH || !isSqsText(header)) return sent;
  return { ...sent, AWSTraceHeader: { dataType: 'String', stringValue: header } };
}

const MAX_TRACE_HEADER_LENGTH = 1_024;

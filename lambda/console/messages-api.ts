import { SqsError } from '../engine/errors.js';
import type { MessageAttributes, MessageAttributeValue } from '../engine/types.js';
import type { PeekedMessage, QueueRecord } from '../storage/store.js';
import { isFifoRecord } from '../storage/store.js';
import { type ConsoleAnswer, type ConsoleCall, ok } from './console-context.js';
import {
  ConsoleError,
  enumParam,
  intParam,
  invalidValue,
  numberField,
  readJsonObject,
  stringField,
} from './console-http.js';
import {
  decodeGroupCursor,
  decodeLocator,
  decodePeekCursor,
  encodeGroupCursor,
  encodeLocator,
  encodePeekCursor,
  type PeekScope,
} from './cursor.js';

/** Messages a `contains` search reads per request at most. */
export const MAX_SCANNED = 1_000;
const MAX_CONTAINS_LENGTH = 1_024;
const MAX_GROUP_ID_LENGTH = 128;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** GET /console/api/queues/{name}/messages: a peek, which receives nothing. */
export async function peekMessages(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const { query } = call;
  const order = enumParam(query, 'order', ['oldest', 'newest'] as const, 'oldest');
  const limit = intParam(query, 'limit', { min: 1, max: 1_000, default: 50 });
  const bodyBytes = intParam(query, 'bodyBytes', { min: 0, max: 262_144, default: 4_096 });
  const contains = query.get('contains');
  if (contains !== undefined && (contains === '' || contains.length > MAX_CONTAINS_LENGTH)) {
    throw invalidValue('contains', `it must be 1 to ${MAX_CONTAINS_LENGTH} characters`);
  }
  const groupId = query.get('group');
  if (groupId !== undefined && (groupId === '' || groupId.length > MAX_GROUP_ID_LENGTH)) {
    throw invalidValue('group', `it must be 1 to ${MAX_GROUP_ID_LENGTH} characters`);
  }
  const { browser } = call.services;
  const queue = await browser.queue(queueName);
  if (groupId !== undefined && !isFifoRecord(queue)) {
    throw new ConsoleError('NotFifoQueue', 'Only FIFO queues have message groups.');
  }
  const scope: PeekScope = {
    order,
    ...(groupId !== undefined ? { groupId } : {}),
    ...(contains !== undefined ? { contains } : {}),
  };
  const cursor = query.get('cursor');
  const after = cursor === undefined ? undefined : decodePeekCursor(cursor, queue, scope);
  const result = await browser.peek(queueName, {
    order,
    limit,
    ...(after ? { after } : {}),
    ...(groupId !== undefined ? { groupId } : {}),
    ...(contains !== undefined ? { contains, maxScanned: MAX_SCANNED } : {}),
  });
  return ok({
    messages: result.messages.map((message) => messageJson(queue, message, bodyBytes)),
    scanned: result.scanned,
    ...(result.next ? { nextCursor: encodePeekCursor(result.queue, scope, result.next) } : {}),
  });
}

/** GET /console/api/queues/{name}/messages/{messageId}?locator=: the whole message. */
export async function readMessage(
  call: ConsoleCall,
  queueName: string,
  messageId: string,
): Promise<ConsoleAnswer> {
  const { browser } = call.services;
  const queue = await browser.queue(queueName);
  const locator = decodeLocator(requiredLocator(call), queue, messageId);
  const message = await browser.read(queueName, locator);
  if (!message) throw messageNotFound();
  return ok(messageJson(queue, message, Number.POSITIVE_INFINITY));
}

/** DELETE /console/api/queues/{name}/messages/{messageId}?locator=: delete by id, no receipt handle. */
export async function deleteMessage(
  call: ConsoleCall,
  queueName: string,
  messageId: string,
): Promise<ConsoleAnswer> {
  const { browser } = call.services;
  const queue = await browser.queue(queueName);
  const locator = decodeLocator(requiredLocator(call), queue, messageId);
  if ((await browser.delete(queueName, locator)) === 'notFound') throw messageNotFound();
  return ok({ deleted: true });
}

/** POST /console/api/queues/{name}/messages: SendMessage through the engine, with every SQS rule. */
export async function sendMessage(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const body = readJsonObject(call.request.body);
  const messageBody = stringField(body, 'body');
  if (messageBody === undefined) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter body.');
  }
  const delaySeconds = numberField(body, 'delaySeconds');
  const messageGroupId = stringField(body, 'messageGroupId');
  const messageDeduplicationId = stringField(body, 'messageDeduplicationId');
  const messageAttributes = attributesField(body.messageAttributes);
  const sent = await call.services.engine.sendMessage({
    queueName,
    messageBody,
    ...(delaySeconds !== undefined ? { delaySeconds } : {}),
    ...(messageAttributes ? { messageAttributes } : {}),
    ...(messageGroupId !== undefined ? { messageGroupId } : {}),
    ...(messageDeduplicationId !== undefined ? { messageDeduplicationId } : {}),
  });
  return ok({
    messageId: sent.messageId,
    md5OfMessageBody: sent.md5OfMessageBody,
    ...(sent.sequenceNumber !== undefined ? { sequenceNumber: sent.sequenceNumber } : {}),
  });
}

/** GET /console/api/queues/{name}/groups: a FIFO queue's groups that hold messages. */
export async function listGroups(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const limit = intParam(call.query, 'limit', { min: 1, max: 1_000, default: 100 });
  const { browser } = call.services;
  const queue = await browser.queue(queueName);
  if (!isFifoRecord(queue)) throw new ConsoleError('NotFifoQueue', 'Only FIFO queues have message groups.');
  const cursor = call.query.get('cursor');
  const afterGroupId = cursor === undefined ? undefined : decodeGroupCursor(cursor, queue);
  const page = await browser.groups(queueName, {
    limit,
    ...(afterGroupId !== undefined ? { afterGroupId } : {}),
  });
  return ok({
    groups: page.groups,
    ...(page.lastGroupId !== undefined ? { nextCursor: encodeGroupCursor(queue, page.lastGroupId) } : {}),
  });
}

function requiredLocator(call: ConsoleCall): string {
  const locator = call.query.get('locator');
  if (locator === undefined)
    throw new SqsError('MissingParameter', 'The request must contain the parameter locator.');
  return locator;
}

function messageNotFound(): ConsoleError {
  return new ConsoleError(
    'MessageNotFound',
    'The message is no longer in the queue (deleted, moved to another queue, expired or purged).',
  );
}

/** A message as the API shows it: states, system attributes as a receive with `All` would, a cut body. */
function messageJson(queue: QueueRecord, message: PeekedMessage, bodyBytes: number) {
  const { content } = message;
  const body = cutBody(content.body, bodyBytes);
  const attributes: Record<string, string> = {
    SenderId: content.senderId,
    SentTimestamp: String(message.sentMs),
    ApproximateReceiveCount: String(message.receiveCount),
  };
  if (message.firstReceiveMs !== undefined) {
    attributes.ApproximateFirstReceiveTimestamp = String(message.firstReceiveMs);
  }
  const trace = content.messageSystemAttributes.AWSTraceHeader?.stringValue;
  if (trace !== undefined) attributes.AWSTraceHeader = trace;
  if (message.deadLetterSourceArn !== undefined)
    attributes.DeadLetterQueueSourceArn = message.deadLetterSourceArn;
  if (content.groupId !== undefined) attributes.MessageGroupId = content.groupId;
  if (content.deduplicationId !== undefined) attributes.MessageDeduplicationId = content.deduplicationId;
  if (message.sequenceNumber !== undefined) attributes.SequenceNumber = message.sequenceNumber;
  return {
    messageId: message.messageId,
    state: message.state,
    ...(message.visibleAtMs !== undefined ? { visibleAtMs: message.visibleAtMs } : {}),
    receiveCount: message.receiveCount,
    sentMs: message.sentMs,
    ...(message.firstReceiveMs !== undefined ? { firstReceiveMs: message.firstReceiveMs } : {}),
    ...(content.groupId !== undefined ? { groupId: content.groupId } : {}),
    ...(message.sequenceNumber !== undefined ? { sequenceNumber: message.sequenceNumber } : {}),
    ...(content.deduplicationId !== undefined ? { deduplicationId: content.deduplicationId } : {}),
    ...(message.deadLetterSourceArn !== undefined
      ? { deadLetterSourceArn: message.deadLetterSourceArn }
      : {}),
    attributes,
    messageAttributes: attributesJson(content.messageAttributes),
    body: body.text,
    bodySize: body.size,
    bodyTruncated: body.truncated,
    locator: encodeLocator(queue, message.locator),
  };
}

/** The body cut to `maxBytes` UTF-8 bytes, at a character boundary. */
function cutBody(body: string, maxBytes: number): { text: string; size: number; truncated: boolean } {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= maxBytes) return { text: body, size: bytes.length, truncated: false };
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), size: bytes.length, truncated: true };
}

function attributesJson(attributes: MessageAttributes) {
  const out: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.dataType,
      ...(value.stringValue !== undefined ? { stringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined
        ? { binaryValue: Buffer.from(value.binaryValue).toString('base64') }
        : {}),
    };
  }
  return out;
}

/** `messageAttributes` of a send: `{ name: { dataType, stringValue | binaryValue (base64) } }`. */
function attributesField(value: unknown): MessageAttributes | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidValue(
      'messageAttributes',
      'it must be an object of { dataType, stringValue | binaryValue }',
    );
  }
  const out: Record<string, MessageAttributeValue> = Object.create(null);
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw invalidValue(
        'messageAttributes',
        'each value must be an object { dataType, stringValue | binaryValue }',
      );
    }
    const entry = raw as Record<string, unknown>;
    const dataType = stringField(entry, 'dataType');
    const stringValue = stringField(entry, 'stringValue');
    const binaryValue = stringField(entry, 'binaryValue');
    if (dataType === undefined) {
      throw new SqsError('InvalidParameterValue', 'The message attribute data type must be given.');
    }
    if (binaryValue !== undefined && !BASE64.test(binaryValue)) {
      throw invalidValue('messageAttributes', 'binaryValue must be base64');
    }
    out[name] = {
      dataType,
      ...(stringValue !== undefined ? { stringValue } : {}),
      ...(binaryValue !== undefined
        ? { binaryValue: new Uint8Array(Buffer.from(binaryValue, 'base64')) }
        : {}),
    };
  }
  return out;
}

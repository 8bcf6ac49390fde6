import type { ReceivedMessage, ReceiveMessageInput } from '../../engine/types.js';
import type { ListName, WireFields } from '../fields.js';
import type { JsonObject } from '../json-fields.js';
import { optionalTextElement, textElement } from '../xml.js';
import { defineAction } from './action.js';
import { ATTRIBUTES, decodeQueueName, jsonMap, queryMap } from './common.js';
import { messageAttributesToJson, messageAttributesToQuery } from './message-attributes.js';

/** The discontinued name for system attributes; clients still send it, so it is merged with its successor. */
const ATTRIBUTE_NAMES: ListName = { json: 'AttributeNames', query: 'AttributeName' };
const MESSAGE_SYSTEM_ATTRIBUTE_NAMES: ListName = {
  json: 'MessageSystemAttributeNames',
  query: 'MessageSystemAttributeName',
};
const MESSAGE_ATTRIBUTE_NAMES: ListName = { json: 'MessageAttributeNames', query: 'MessageAttributeName' };

/** ReceiveMessage; a long poll ends early when the request's signal aborts. */
export const receiveMessage = defineAction({
  name: 'ReceiveMessage',
  decode: (fields, context): ReceiveMessageInput => ({
    queueName: decodeQueueName(fields, context),
    maxNumberOfMessages: fields.integer('MaxNumberOfMessages'),
    visibilityTimeout: fields.integer('VisibilityTimeout'),
    waitTimeSeconds: fields.integer('WaitTimeSeconds'),
    messageSystemAttributeNames: decodeSystemAttributeNames(fields),
    messageAttributeNames: fields.stringList(MESSAGE_ATTRIBUTE_NAMES),
    receiveRequestAttemptId: fields.string('ReceiveRequestAttemptId'),
  }),
  call: (engine, input, { signal }) =>
    engine.receiveMessage(signal === undefined ? input : { ...input, signal }),
  // No messages: SQS leaves out `Messages` in JSON and sends an empty `<ReceiveMessageResult/>` in Query.
  toJson: ({ messages }) => ({ Messages: messages.length === 0 ? undefined : messages.map(messageToJson) }),
  toQuery: ({ messages }) =>
    messages.map((message) => `<Message>${messageToQuery(message)}</Message>`).join(''),
});

/** The union of `MessageSystemAttributeNames` and `AttributeNames`, without repeats, or undefined if neither. */
function decodeSystemAttributeNames(fields: WireFields): string[] | undefined {
  const legacy = fields.stringList(ATTRIBUTE_NAMES);
  const current = fields.stringList(MESSAGE_SYSTEM_ATTRIBUTE_NAMES);
  if (legacy === undefined && current === undefined) return undefined;
  return [...new Set([...(current ?? []), ...(legacy ?? [])])];
}

function messageToJson(message: ReceivedMessage): JsonObject {
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: jsonMap(message.attributes),
    MD5OfMessageAttributes: message.md5OfMessageAttributes,
    MessageAttributes: messageAttributesToJson(message.messageAttributes),
  };
}

function messageToQuery(message: ReceivedMessage): string {
  return (
    textElement('MessageId', message.messageId) +
    textElement('ReceiptHandle', message.receiptHandle) +
    textElement('MD5OfBody', message.md5OfBody) +
    textElement('Body', message.body) +
    queryMap(message.attributes, ATTRIBUTES) +
    optionalTextElement('MD5OfMessageAttributes', message.md5OfMessageAttributes) +
    messageAttributesToQuery(message.messageAttributes)
  );
}

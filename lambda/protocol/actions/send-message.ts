import type { SendMessageFields, SendMessageInput, SendMessageResult } from '../../engine/types.js';
import type { WireFields } from '../fields.js';
import type { JsonObject } from '../json-fields.js';
import { optionalTextElement, textElement } from '../xml.js';
import { defineAction } from './action.js';
import { decodeQueueName } from './common.js';
import {
  decodeMessageAttributes,
  MESSAGE_ATTRIBUTES,
  MESSAGE_SYSTEM_ATTRIBUTES,
} from './message-attributes.js';

/**
 * The message members SendMessage and each SendMessageBatch entry share.
 * @param traceHeader the request's X-Amzn-Trace-Id, which every message of the request carries
 * @param emptyBodyIsMissing SendMessage answers an empty body with `MissingParameter`, as SQS does; a batch entry
 *   passes it on so the engine fails that entry alone
 */
export function decodeMessageFields(
  fields: WireFields,
  emptyBodyIsMissing: boolean,
  traceHeader: string | undefined,
): SendMessageFields {
  return {
    ...(traceHeader === undefined ? {} : { traceHeader }),
    messageBody: fields.requiredString('MessageBody', emptyBodyIsMissing),
    delaySeconds: fields.integer('DelaySeconds'),
    messageAttributes: decodeMessageAttributes(fields, MESSAGE_ATTRIBUTES),
    messageSystemAttributes: decodeMessageAttributes(fields, MESSAGE_SYSTEM_ATTRIBUTES),
    messageDeduplicationId: fields.string('MessageDeduplicationId'),
    messageGroupId: fields.string('MessageGroupId'),
  };
}

/** The members of a send result as JSON; absent digests and sequence numbers are left out. */
export function sendResultToJson(result: SendMessageResult): JsonObject {
  return {
    MD5OfMessageBody: result.md5OfMessageBody,
    MD5OfMessageAttributes: result.md5OfMessageAttributes,
    MD5OfMessageSystemAttributes: result.md5OfMessageSystemAttributes,
    MessageId: result.messageId,
    SequenceNumber: result.sequenceNumber,
  };
}

/** The members of a send result as Query XML. */
export function sendResultToQuery(result: SendMessageResult): string {
  return (
    textElement('MessageId', result.messageId) +
    textElement('MD5OfMessageBody', result.md5OfMessageBody) +
    optionalTextElement('MD5OfMessageAttributes', result.md5OfMessageAttributes) +
    optionalTextElement('MD5OfMessageSystemAttributes', result.md5OfMessageSystemAttributes) +
    optionalTextElement('SequenceNumber', result.sequenceNumber)
  );
}

/** SendMessage. */
export const sendMessage = defineAction({
  name: 'SendMessage',
  decode: (fields, context): SendMessageInput => ({
    queueName: decodeQueueName(fields, context),
    ...decodeMessageFields(fields, true, context.traceHeader),
  }),
  call: (engine, input) => engine.sendMessage(input),
  toJson: sendResultToJson,
  toQuery: sendResultToQuery,
});

import type { ClaimedMessage } from '../storage/store.js';
import { echoed, InvalidAttributeName } from './errors.js';
import type { AnyReceipt } from './receipt-handle.js';
import type { MessageAttributes, MessageAttributeValue, StringMap } from './types.js';

/**
 * Message system attributes; `All` selects every one. A message carries only those that apply to it:
 * FIFO messages their group, deduplication id and sequence number, fair-queue messages their group.
 */
const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'DeadLetterQueueSourceArn',
] as const;

export function validateSystemAttributeNames(names: readonly string[]): ReadonlySet<string> {
  const selected = new Set<string>();
  for (const name of names) {
    if (name === 'All') {
      for (const known of SYSTEM_ATTRIBUTES) selected.add(known);
    } else if ((SYSTEM_ATTRIBUTES as readonly string[]).includes(name)) {
      selected.add(name);
    } else if (!QUEUE_ATTRIBUTE_NAMES_ACCEPTED.has(name)) {
      throw new InvalidAttributeName(`Unknown Attribute ${echoed(name)}.`);
    }
  }
  return selected;
}

/**
 * The older `AttributeNames` parameter of ReceiveMessage was typed with queue attribute names; SQS accepts
 * them there and returns nothing for them.
 */
const QUEUE_ATTRIBUTE_NAMES_ACCEPTED = new Set([
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
]);

export function systemAttributesOf(
  message: ClaimedMessage<AnyReceipt>,
  selected: ReadonlySet<string>,
): StringMap {
  const all: Record<string, string | undefined> = {
    SenderId: message.content.senderId,
    SentTimestamp: String(message.sentMs),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveMs),
    AWSTraceHeader: message.content.messageSystemAttributes.AWSTraceHeader?.stringValue,
    SequenceNumber: message.sequenceNumber,
    MessageDeduplicationId: message.content.deduplicationId,
    MessageGroupId: message.content.groupId,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const attributes: Record<string, string> = {};
  for (const name of selected) {
    const value = all[name];
    if (value !== undefined) attributes[name] = value;
  }
  return attributes;
}

/** The message attributes a receive asked for: `All`, `.*`, exact names, or `prefix.*`. */
export function selectMessageAttributes(
  attributes: MessageAttributes,
  names: readonly string[],
): MessageAttributes {
  const selected: Record<string, MessageAttributeValue> = Object.create(null);
  const wantsAll = names.some((name) => name === 'All' || name === '.*');
  const prefixes = names.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1));
  for (const [name, value] of Object.entries(attributes)) {
    if (wantsAll || names.includes(name) || prefixes.some((prefix) => name.startsWith(prefix)))
      selected[name] = value;
  }
  return selected;
}

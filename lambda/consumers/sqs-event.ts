import type { ReceivedMessage } from '../engine/types.js';

/**
 * The event Lambda gives a function for a batch of SQS messages, field for field as AWS sends it (and as
 * `@types/aws-lambda`'s `SQSEvent` types it): camelCase record fields, PascalCase system attributes, every
 * value a string, binary values in base64.
 */
export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: SqsRecordAttributes;
  readonly messageAttributes: Readonly<Record<string, SqsRecordMessageAttribute>>;
  readonly md5OfBody: string;
  /** @default - absent when the message has no message attributes */
  readonly md5OfMessageAttributes?: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface SqsRecordAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
  /** FIFO only. @default - absent */
  readonly SequenceNumber?: string;
  /** FIFO (or a fair queue's tenant). @default - absent */
  readonly MessageGroupId?: string;
  /** FIFO only. @default - absent */
  readonly MessageDeduplicationId?: string;
  /** @default - absent when the message was sent untraced */
  readonly AWSTraceHeader?: string;
  /** Set on a message a dead-letter queue received. @default - absent */
  readonly DeadLetterQueueSourceArn?: string;
}

/** `stringListValues` and `binaryListValues` are reserved by SQS and always empty, as Lambda sends them. */
export interface SqsRecordMessageAttribute {
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues: readonly string[];
  readonly binaryListValues: readonly string[];
  readonly dataType: string;
}

/** Where the queue lives, for each record's `eventSourceARN` and `awsRegion`. */
export interface QueueLocation {
  readonly queueName: string;
  readonly accountId: string;
  readonly region: string;
}

/** The record Lambda builds from one received message (received with every system and message attribute). */
export function toSqsRecord(message: ReceivedMessage, queue: QueueLocation): SqsRecord {
  const { attributes } = message;
  const recordAttributes: Record<string, string> = {
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
    SentTimestamp: attributes.SentTimestamp ?? '',
    SenderId: attributes.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
  };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const value = attributes[name];
    if (value !== undefined) recordAttributes[name] = value;
  }
  const messageAttributes: Record<string, SqsRecordMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.messageAttributes)) {
    messageAttributes[name] = {
      ...(value.stringValue === undefined ? {} : { stringValue: value.stringValue }),
      ...(value.binaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.binaryValue).toString('base64') }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.dataType,
    };
  }
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: recordAttributes as unknown as SqsRecordAttributes,
    messageAttributes,
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes === undefined || Object.keys(message.messageAttributes).length === 0
      ? {}
      : { md5OfMessageAttributes: message.md5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${queue.region}:${queue.accountId}:${queue.queueName}`,
    awsRegion: queue.region,
  };
}

const OPTIONAL_ATTRIBUTES = [
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

/** A record's size in the invocation payload, in bytes of JSON. */
export function recordBytes(record: SqsRecord): number {
  return Buffer.byteLength(JSON.stringify(record), 'utf8');
}

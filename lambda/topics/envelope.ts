import type { MessageAttributes } from '../engine/types.js';
import { subscriptionArnOf, type TopicScope, topicArnOf } from './arns.js';
import { parseMessageStructure } from './publish-validation.js';
import { signCanonical } from './signing.js';
import type { Notification, SigningMaterial, SubscriptionRecord } from './types.js';

/**
 * What a subscribed queue receives for a notification: the SNS envelope (a JSON document laid out as SNS lays it
 * out, signed), or with RawMessageDelivery the message itself with its attributes as SQS message attributes.
 */

/** The SQS message a subscription gets. */
export interface QueueMessage {
  readonly body: string;
  /** @default - none (the envelope carries the attributes) */
  readonly messageAttributes?: MessageAttributes;
}

export interface EnvelopeContext {
  readonly scope: TopicScope;
  readonly fifoTopic: boolean;
  /** The topic's SignatureVersion. */
  readonly signatureVersion: '1' | '2';
  readonly signing: SigningMaterial;
  /**
   * Signatures already made, by canonical string: the signature covers nothing about the subscription, so one
   * publish's deliveries share it. @default - every envelope is signed anew
   */
  readonly signatures?: Map<string, string>;
}

/** The path the signing certificate is served at, under the service's endpoint. */
export function signingCertPath(signing: Pick<SigningMaterial, 'id'>): string {
  return `/sns/SimpleNotificationService-${signing.id}.pem`;
}

/** The message text a subscription of protocol `sqs` gets: with MessageStructure=json its `sqs` key, else `default`. */
export function messageFor(notification: Notification): string {
  if (notification.messageStructure !== 'json') return notification.message;
  const structure = parseMessageStructure(notification.message);
  return structure.sqs ?? (structure.default as string);
}

export function queueMessageFor(
  notification: Notification,
  subscription: SubscriptionRecord,
  context: EnvelopeContext,
): QueueMessage {
  const message = messageFor(notification);
  if (subscription.attributes.RawMessageDelivery === 'true') {
    return { body: message, messageAttributes: notification.messageAttributes };
  }
  return { body: envelope(notification, message, subscription, context) };
}

/** The canonical string SNS signs for a Notification: each present field as `Name\nvalue\n`, in this order. */
export function canonicalNotification(fields: {
  Message: string;
  MessageId: string;
  Subject?: string;
  Timestamp: string;
  TopicArn: string;
  Type: string;
}): string {
  const order = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
  return order
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${name}\n${fields[name]}\n`)
    .join('');
}

function envelope(
  notification: Notification,
  message: string,
  subscription: SubscriptionRecord,
  context: EnvelopeContext,
): string {
  const topicArn = topicArnOf(subscription.topicName, context.scope);
  const timestamp = new Date(notification.timestampMs).toISOString();
  const subscriptionArn = subscriptionArnOf(subscription.topicName, subscription.id, context.scope);
  const fields: [string, string][] = [
    ['Type', 'Notification'],
    ['MessageId', notification.messageId],
  ];
  if (notification.sequenceNumber !== undefined) fields.push(['SequenceNumber', notification.sequenceNumber]);
  fields.push(['TopicArn', topicArn]);
  if (notification.subject !== undefined) fields.push(['Subject', notification.subject]);
  fields.push(['Message', message], ['Timestamp', timestamp]);
  // FIFO topics' notifications carry no signature (SNS leaves the three fields out).
  if (!context.fifoTopic) {
    const canonical = canonicalNotification({
      Message: message,
      MessageId: notification.messageId,
      ...(notification.subject === undefined ? {} : { Subject: notification.subject }),
      Timestamp: timestamp,
      TopicArn: topicArn,
      Type: 'Notification',
    });
    let signature = context.signatures?.get(canonical);
    if (signature === undefined) {
      signature = signCanonical(canonical, context.signatureVersion, context.signing.privateKeyPem);
      context.signatures?.set(canonical, signature);
    }
    fields.push(
      ['SignatureVersion', context.signatureVersion],
      ['Signature', signature],
      ['SigningCertURL', `${notification.serviceUrl}${signingCertPath(context.signing)}`],
    );
  }
  fields.push([
    'UnsubscribeURL',
    `${notification.serviceUrl}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
  ]);
  const lines = fields.map(([name, value]) => `  ${JSON.stringify(name)} : ${json(value)}`);
  const attributes = Object.entries(notification.messageAttributes);
  if (attributes.length > 0) {
    const entries = attributes.map(
      ([name, value]) =>
        `    ${json(name)} : ${json({
          Type: value.dataType,
          Value: value.binaryValue ? Buffer.from(value.binaryValue).toString('base64') : value.stringValue,
        })}`,
    );
    lines.push(`  "MessageAttributes" : {\n${entries.join(',\n')}\n  }`);
  }
  return `{\n${lines.join(',\n')}\n}`;
}

/** Characters SQS refuses in a message body that JSON.stringify leaves as they are. */
const NOT_FOR_SQS = /[\uFFFE\uFFFF]/g;

/** JSON text an SQS queue accepts: U+FFFE and U+FFFF, which SQS refuses, written as escapes (still the same JSON). */
function json(value: unknown): string {
  return JSON.stringify(value).replace(NOT_FOR_SQS, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

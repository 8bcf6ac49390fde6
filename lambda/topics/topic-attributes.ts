import type { StringMap } from '../engine/types.js';
import { type TopicScope, topicArnOf } from './arns.js';
import { invalidParameter } from './errors.js';
import { isWellFormedText } from './text.js';
import type { TopicRecord } from './types.js';

/**
 * Topic attributes as SNS names and checks them. Stored as sent (after checking), so a repeated CreateTopic with
 * the same attributes compares equal; GetTopicAttributes adds the defaults and the read-only ones.
 */

/** Attributes CreateTopic and SetTopicAttributes accept. Delivery-status logging ones are kept but do nothing here. */
const SETTABLE = new Set([
  'ArchivePolicy',
  'ContentBasedDeduplication',
  'DeliveryPolicy',
  'DisplayName',
  'FifoThroughputScope',
  'FifoTopic',
  'KmsMasterKeyId',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  ...['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((p) => [
    `${p}SuccessFeedbackRoleArn`,
    `${p}SuccessFeedbackSampleRate`,
    `${p}FailureFeedbackRoleArn`,
  ]),
]);

/** Only CreateTopic sets these: a topic does not change type. */
const CREATE_ONLY = new Set(['FifoTopic']);

const MAX_DISPLAY_NAME_LENGTH = 100;
const MAX_ATTRIBUTE_VALUE_LENGTH = 30_720;

export function isFifoTopic(topic: Pick<TopicRecord, 'attributes'>): boolean {
  return topic.attributes.FifoTopic === 'true';
}

/** Checks CreateTopic's attributes; `fifo` is what the name says. */
export function checkCreateAttributes(attributes: StringMap, fifo: boolean): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!SETTABLE.has(name))
      throw invalidParameter(`Attributes Reason: Unknown attribute ${printable(name)}`);
    checkValue(name, value, fifo, 'Attributes Reason: ');
  }
}

/** Checks one SetTopicAttributes change. */
export function checkSetAttribute(name: string, value: string, topic: TopicRecord): void {
  if (!SETTABLE.has(name) || CREATE_ONLY.has(name)) throw invalidParameter('AttributeName');
  checkValue(name, value, isFifoTopic(topic), '');
}

function checkValue(name: string, value: string, fifo: boolean, prefix: string): void {
  const fail = (reason: string) => invalidParameter(`${prefix}${name}${reason}`);
  if (!isWellFormedText(value) || value.length > MAX_ATTRIBUTE_VALUE_LENGTH) throw fail('');
  switch (name) {
    case 'FifoTopic':
      if (value !== 'true' && value !== 'false')
        throw fail(`: Invalid value [${value}]. Must be true or false.`);
      return;
    case 'ContentBasedDeduplication':
      if (value !== 'true' && value !== 'false')
        throw fail(`: Invalid value [${value}]. Must be true or false.`);
      if (value === 'true' && !fifo) {
        throw fail(': Content based deduplication can only be set for FIFO topics');
      }
      return;
    case 'FifoThroughputScope':
      if (!fifo) throw fail(': FifoThroughputScope can only be set for FIFO topics');
      if (value !== 'Topic' && value !== 'MessageGroup') {
        throw fail(`: Invalid value [${value}]. Must be Topic or MessageGroup.`);
      }
      return;
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw fail(`: Invalid value [${value}]. Must be 1 or 2.`);
      return;
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') {
        throw fail(`: Invalid value [${value}]. Must be PassThrough or Active.`);
      }
      return;
    case 'DisplayName':
      if (value.length > MAX_DISPLAY_NAME_LENGTH) throw fail(': Display name must be at most 100 characters');
      return;
    case 'Policy':
    case 'DeliveryPolicy':
    case 'ArchivePolicy':
      if (value !== '' && !isJsonObject(value)) throw fail(': failed to parse JSON.');
      if (name === 'ArchivePolicy' && value !== '' && !fifo) {
        throw fail(': ArchivePolicy can only be set for FIFO topics');
      }
      return;
    default:
      return;
  }
}

/** The topic's attributes as GetTopicAttributes shows them. */
export function describeTopic(
  topic: TopicRecord,
  scope: TopicScope,
  counts: { confirmed: number },
): Record<string, string> {
  const arn = topicArnOf(topic.name, scope);
  const { FifoTopic, ContentBasedDeduplication, ...settable } = topic.attributes;
  const fifo = FifoTopic === 'true';
  const deliveryPolicy = topic.attributes.DeliveryPolicy;
  return {
    Policy: defaultPolicy(arn, scope.accountId),
    Owner: scope.accountId,
    SubscriptionsPending: '0',
    TopicArn: arn,
    EffectiveDeliveryPolicy: deliveryPolicy || DEFAULT_EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: '',
    SubscriptionsDeleted: '0',
    ...(fifo ? { FifoTopic: 'true', ContentBasedDeduplication: ContentBasedDeduplication ?? 'false' } : {}),
    ...withoutEmpty(settable),
  };
}

function withoutEmpty(attributes: StringMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '' || name === 'DisplayName') out[name] = value;
  }
  return out;
}

const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** The policy SNS gives a new topic: the owner's account may do everything a topic policy can grant. */
export function defaultPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

export function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** An echoed name, cut and with what XML cannot carry left to the encoder. */
function printable(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}...` : name;
}

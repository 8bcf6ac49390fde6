import { queueNameOfArn } from '../engine/redrive-policy.js';
import type { StringMap } from '../engine/types.js';
import { subscriptionArnOf, type TopicScope, topicArnOf } from './arns.js';
import { invalidParameter } from './errors.js';
import { checkFilterPolicy, type FilterPolicyScope } from './filter-policy.js';
import { isWellFormedText } from './text.js';
import type { SubscriptionRecord } from './types.js';

/**
 * Subscription attributes as SNS names and checks them. Subscribe's messages say `Attributes Reason: ...`,
 * SetSubscriptionAttributes' say the attribute alone; both are InvalidParameter.
 */

const SETTABLE = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'ReplayPolicy',
  'SubscriptionRoleArn',
]);

const MAX_ATTRIBUTE_VALUE_LENGTH = 262_144;

export interface SubscriptionContext {
  readonly scope: TopicScope;
  readonly fifoTopic: boolean;
  readonly fifoEndpoint: boolean;
}

/**
 * The attributes after applying `change` to `current`, checked and normalised (RawMessageDelivery in lower
 * case; an empty FilterPolicy or RedrivePolicy removes it). `subscribe` picks Subscribe's wording.
 */
export function applySubscriptionAttributes(
  current: StringMap,
  change: StringMap,
  context: SubscriptionContext,
  subscribe: boolean,
): StringMap {
  const prefix = subscribe ? 'Attributes Reason: ' : '';
  const next: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(change)) {
    if (!SETTABLE.has(name))
      throw invalidParameter(subscribe ? 'Attributes Reason: Unknown attribute' : 'AttributeName');
    if (!isWellFormedText(value) || value.length > MAX_ATTRIBUTE_VALUE_LENGTH)
      throw invalidParameter(`${prefix}${name}`);
    next[name] = normalise(name, value, context, prefix);
    if (next[name] === '') delete next[name];
  }
  const scope = (next.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  if (next.FilterPolicy !== undefined) checkFilterPolicy(next.FilterPolicy, scope, subscribe);
  return next;
}

function normalise(name: string, value: string, context: SubscriptionContext, prefix: string): string {
  const fail = (reason: string) => invalidParameter(`${prefix}${name}${reason}`);
  switch (name) {
    case 'RawMessageDelivery': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        throw fail(`: Invalid value [${value}]. Must be true or false.`);
      return lower;
    }
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw fail(`: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case 'RedrivePolicy':
      return value === '' ? '' : normaliseRedrivePolicy(value, context, fail);
    case 'SubscriptionRoleArn':
      throw fail(': Invalid parameter: SubscriptionRoleArn is only valid for firehose subscriptions');
    case 'DeliveryPolicy':
    case 'ReplayPolicy':
      if (value !== '' && !isJsonObject(value)) throw fail(': failed to parse JSON.');
      return value;
    default:
      return value;
  }
}

function normaliseRedrivePolicy(
  value: string,
  context: SubscriptionContext,
  fail: (reason: string) => Error,
): string {
  let policy: unknown;
  try {
    policy = JSON.parse(value);
  } catch {
    throw fail(': failed to parse JSON.');
  }
  const arn = (policy as { deadLetterTargetArn?: unknown } | null)?.deadLetterTargetArn;
  if (typeof arn !== 'string' || arn.split(':').length < 6)
    throw fail(': deadLetterTargetArn is an invalid arn');
  const queueName = queueNameOfArn(arn, context.scope.accountId, context.scope.region);
  if (queueName === undefined) throw fail(': deadLetterTargetArn is an invalid arn');
  if (context.fifoTopic && context.fifoEndpoint && !queueName.endsWith('.fifo')) {
    throw fail(': must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
  }
  return JSON.stringify({ deadLetterTargetArn: arn });
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The dead-letter queue a subscription's RedrivePolicy names, when it has one. */
export function deadLetterQueueOf(subscription: SubscriptionRecord, scope: TopicScope): string | undefined {
  const policy = subscription.attributes.RedrivePolicy;
  if (!policy) return undefined;
  const arn = (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
  return queueNameOfArn(arn, scope.accountId, scope.region);
}

export function isRawMessageDelivery(subscription: SubscriptionRecord): boolean {
  return subscription.attributes.RawMessageDelivery === 'true';
}

/** The subscription's attributes as GetSubscriptionAttributes shows them. */
export function describeSubscription(
  subscription: SubscriptionRecord,
  scope: TopicScope,
): Record<string, string> {
  const { FilterPolicy, FilterPolicyScope, ...rest } = subscription.attributes;
  return {
    ConfirmationWasAuthenticated: 'true',
    PendingConfirmation: 'false',
    Owner: scope.accountId,
    RawMessageDelivery: 'false',
    TopicArn: topicArnOf(subscription.topicName, scope),
    Endpoint: subscription.endpoint,
    Protocol: subscription.protocol,
    SubscriptionArn: subscriptionArnOf(subscription.topicName, subscription.id, scope),
    SubscriptionPrincipal: `arn:aws:iam::${scope.accountId}:root`,
    ...rest,
    ...(FilterPolicy === undefined
      ? {}
      : { FilterPolicy, FilterPolicyScope: FilterPolicyScope ?? 'MessageAttributes' }),
  };
}

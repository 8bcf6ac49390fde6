import { invalidParameter, topicNotFound } from './errors.js';

/** The account and region whose topics this service holds. */
export interface TopicScope {
  readonly accountId: string;
  readonly region: string;
}

/** SNS's topic name rule: 1-256 letters, digits, `-` and `_`; a FIFO topic's name ends in `.fifo` (within the 256). */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** The longest ARN read at all: longer ones are refused before anything is echoed. */
const MAX_ARN_LENGTH = 1_024;

export function isValidTopicName(name: string, fifo: boolean): boolean {
  return fifo ? FIFO_TOPIC_NAME.test(name) : TOPIC_NAME.test(name);
}

export function topicArnOf(name: string, scope: TopicScope): string {
  return `arn:aws:sns:${scope.region}:${scope.accountId}:${name}`;
}

export function subscriptionArnOf(topicName: string, subscriptionId: string, scope: TopicScope): string {
  return `${topicArnOf(topicName, scope)}:${subscriptionId}`;
}

/**
 * The topic name in a topic ARN (`TopicArn`, `TargetArn`, `ResourceArn`). An ARN with fewer than six parts is
 * InvalidParameter with SNS's reason; one of another region, or not an SNS ARN, is `Invalid parameter: {member}`;
 * a well-formed ARN of another account, or naming no possible topic, is NotFound, as for a topic that does not exist.
 */
export function topicNameOfArn(arn: string, member: string, scope: TopicScope): string {
  const parts = splitArn(arn, member);
  const [prefix, partition, service, region, accountId, ...rest] = parts;
  if (prefix !== 'arn' || partition !== 'aws' || service !== 'sns' || region !== scope.region) {
    throw invalidParameter(member);
  }
  const name = rest.join(':');
  if (accountId !== scope.accountId || !(isValidTopicName(name, false) || isValidTopicName(name, true))) {
    throw topicNotFound();
  }
  return name;
}

/** A subscription ARN's topic name and subscription id; `undefined` id for a six-part ARN (a topic's). */
export function parseSubscriptionArn(
  arn: string,
  scope: TopicScope,
): { topicName: string; subscriptionId: string } | 'malformed' | 'not-found' {
  const parts = splitArn(arn, 'SubscriptionArn');
  const [prefix, partition, service, region, accountId, topicName = '', subscriptionId] = parts;
  if (prefix !== 'arn' || partition !== 'aws' || service !== 'sns' || parts.length !== 7) return 'malformed';
  if (region !== scope.region || accountId !== scope.accountId) return 'not-found';
  if (
    !isValidTopicName(topicName, topicName.endsWith('.fifo')) ||
    !SUBSCRIPTION_ID.test(subscriptionId ?? '')
  ) {
    return 'not-found';
  }
  return { topicName, subscriptionId: subscriptionId as string };
}

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function splitArn(arn: string, member: string): string[] {
  if (arn.length > MAX_ARN_LENGTH) throw invalidParameter(member);
  const parts = arn.split(':');
  if (parts.length < 6) {
    throw invalidParameter(`${member} Reason: An ARN must have at least 6 elements, not ${parts.length}`);
  }
  return parts;
}

import type { Caller } from '../../auth/authenticator.js';
import { isTopicActionAllowed, type SnsPermission, snsPermissionFor } from '../../auth/topic-policy.js';
import type { TopicScope } from '../../topics/arns.js';
import { SnsError } from '../../topics/errors.js';
import type { SnsParams } from './params.js';

/** The parameter that names each action's topic (a subscription ARN starts with its topic's ARN). */
const TOPIC_PARAMETER: Readonly<Record<string, string>> = {
  CreateTopic: 'Name',
  GetSubscriptionAttributes: 'SubscriptionArn',
  SetSubscriptionAttributes: 'SubscriptionArn',
  Unsubscribe: 'SubscriptionArn',
  TagResource: 'ResourceArn',
  UntagResource: 'ResourceArn',
  ListTagsForResource: 'ResourceArn',
};

/**
 * Checks the caller's policy for one SNS request before the engine runs, from the parameters alone, so the answer
 * does not depend on which topics exist. Throws AuthorizationError (403) in SNS's words.
 */
export function authorizeTopicAction(
  caller: Caller,
  action: string,
  params: SnsParams,
  scope: TopicScope,
): void {
  const permission = snsPermissionFor(action);
  if (permission === undefined) return;
  const topicName = topicNameOf(action, params);
  if (!isTopicActionAllowed(caller.policy, permission, topicName)) {
    throw denied(caller, permission, topicName, scope);
  }
}

function topicNameOf(action: string, params: SnsParams): string | undefined {
  if (action === 'ListTopics' || action === 'ListSubscriptions') return undefined;
  const parameter = TOPIC_PARAMETER[action];
  if (parameter === 'Name') return params.string('Name') ?? '';
  const arn =
    (parameter ? params.string(parameter) : (params.string('TopicArn') ?? params.string('TargetArn'))) ?? '';
  // arn:aws:sns:region:account:topic[:subscription-id]; anything else names no topic a pattern could match.
  const parts = arn.split(':');
  return parts.length >= 6 ? (parts[5] ?? '') : '';
}

function denied(
  caller: Caller,
  permission: SnsPermission,
  topicName: string | undefined,
  scope: TopicScope,
): SnsError {
  const resource = `arn:aws:sns:${scope.region}:${scope.accountId}:${topicName ?? '*'}`;
  return new SnsError(
    'AuthorizationError',
    `User: arn:aws:iam::${scope.accountId}:user/${caller.name} is not authorized to perform: SNS:${permission} on resource: ${resource} because no identity-based policy allows the SNS:${permission} action`,
  );
}

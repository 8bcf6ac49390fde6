import type { AccessPolicy } from './policy.js';

/**
 * SNS permissions in key policies (docs/design.md, "Topics"): actions spelled as IAM spells SNS's
 * (`sns:Publish`, `sns:Get*`, `sns:*`), on topic-name patterns given in a statement's `queues` field
 * (`--allow 'sns:Publish:orders-*'`). Only `*`, or a pattern with the `sns:` prefix, grants an SNS permission, so a
 * key made for queues is not also a key for topics.
 */
export const SNS_PERMISSIONS = [
  'AddPermission',
  'ConfirmSubscription',
  'CreateTopic',
  'DeleteTopic',
  'GetSubscriptionAttributes',
  'GetTopicAttributes',
  'ListSubscriptions',
  'ListSubscriptionsByTopic',
  'ListTagsForResource',
  'ListTopics',
  'Publish',
  'RemovePermission',
  'SetSubscriptionAttributes',
  'SetTopicAttributes',
  'Subscribe',
  'TagResource',
  'Unsubscribe',
  'UntagResource',
] as const;

export type SnsPermission = (typeof SNS_PERMISSIONS)[number];

/** SNS actions that need another action's permission, as in IAM. */
const SHARED_PERMISSIONS: Readonly<Record<string, SnsPermission>> = { publishbatch: 'Publish' };

const BY_LOWER_CASE = new Map<string, SnsPermission>(
  SNS_PERMISSIONS.map((name) => [name.toLowerCase(), name]),
);

export const SNS_PREFIX = /^sns:/i;
const SNS_ACTION_PATTERN = /^sns:[A-Za-z]*\*?$/i;

/** The permission an SNS action needs; undefined for an action SNS does not have. */
export function snsPermissionFor(action: string): SnsPermission | undefined {
  const lower = action.toLowerCase();
  return BY_LOWER_CASE.get(lower) ?? SHARED_PERMISSIONS[lower];
}

function matchesSnsAction(pattern: string, permission: SnsPermission): boolean {
  if (pattern === '*') return true;
  if (!SNS_PREFIX.test(pattern)) return false;
  const bare = pattern.slice(4).toLowerCase();
  const name = permission.toLowerCase();
  return bare.endsWith('*') ? name.startsWith(bare.slice(0, -1)) : bare === name;
}

/** What is wrong with an `sns:` action pattern in a policy; empty when nothing is. */
export function snsActionProblems(action: string): string[] {
  if (!SNS_ACTION_PATTERN.test(action)) {
    return [`action '${action}' must be an SNS action name with 'sns:', optionally with a trailing '*'`];
  }
  if (SHARED_PERMISSIONS[action.slice(4).toLowerCase()] !== undefined) {
    return [`action '${action}' is not a permission: it is allowed by 'sns:Publish'`];
  }
  if (!SNS_PERMISSIONS.some((permission) => matchesSnsAction(action, permission))) {
    return [`action '${action}' matches no SNS action (they are: ${SNS_PERMISSIONS.join(', ')})`];
  }
  return [];
}

/**
 * Whether `policy` allows `permission` on the topic `topicName`; with `topicName` undefined (the List actions,
 * which name no topic), only a statement with the `*` pattern allows it.
 */
export function isTopicActionAllowed(
  policy: AccessPolicy,
  permission: SnsPermission,
  topicName: string | undefined,
): boolean {
  return policy.some(
    (statement) =>
      statement.actions.some((action) => matchesSnsAction(action, permission)) &&
      statement.queues.some((pattern) =>
        topicName === undefined ? pattern === '*' : matchesName(pattern, topicName),
      ),
  );
}

/** `*` matches any run of characters; case-sensitive, as topic names are. */
function matchesName(pattern: string, name: string): boolean {
  const expression = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return expression.test(name);
}

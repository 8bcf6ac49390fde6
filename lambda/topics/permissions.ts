import { type TopicScope, topicArnOf } from './arns.js';
import { invalidParameter } from './errors.js';
import { defaultPolicy } from './topic-attributes.js';
import type { TopicRecord } from './types.js';

/**
 * AddPermission and RemovePermission edit the topic's Policy attribute as SNS does: a statement per label. This
 * service has one account, so the policy is kept and shown but grants nothing beyond what access keys allow.
 */

export interface PermissionInput {
  readonly topicArn: string;
  readonly label: string;
  readonly awsAccountIds: readonly string[];
  readonly actionNames: readonly string[];
}

const LABEL = /^[A-Za-z0-9_-]{1,80}$/;
const ACCOUNT = /^\d{12}$/;
const ACTIONS = new Set([
  'AddPermission',
  'DeleteTopic',
  'GetTopicAttributes',
  'ListSubscriptionsByTopic',
  'Publish',
  'RemovePermission',
  'SetTopicAttributes',
  'Subscribe',
]);

interface Statement {
  readonly Sid?: unknown;
  readonly [key: string]: unknown;
}

interface PolicyDocument {
  Statement?: Statement[];
  readonly [key: string]: unknown;
}

export function addPermission(topic: TopicRecord, input: PermissionInput, scope: TopicScope): string {
  if (!LABEL.test(input.label)) throw invalidParameter('Label');
  if (input.awsAccountIds.length === 0 || !input.awsAccountIds.every((id) => ACCOUNT.test(id))) {
    throw invalidParameter('AWSAccountId');
  }
  if (input.actionNames.length === 0 || !input.actionNames.every((name) => ACTIONS.has(name))) {
    throw invalidParameter('ActionName');
  }
  const policy = policyOf(topic, scope);
  const statements = policy.Statement ?? [];
  if (statements.some((s) => s.Sid === input.label)) throw invalidParameter('Statement already exists');
  const accounts = input.awsAccountIds.map((id) => `arn:aws:iam::${id}:root`);
  const actions = input.actionNames.map((name) => `SNS:${name}`);
  statements.push({
    Sid: input.label,
    Effect: 'Allow',
    Principal: { AWS: accounts.length === 1 ? accounts[0] : accounts },
    Action: actions.length === 1 ? actions[0] : actions,
    Resource: topicArnOf(topic.name, scope),
  });
  return JSON.stringify({ ...policy, Statement: statements });
}

export function removePermission(topic: TopicRecord, label: string, scope: TopicScope): string {
  if (!LABEL.test(label)) throw invalidParameter('Label');
  const policy = policyOf(topic, scope);
  const statements = policy.Statement ?? [];
  const kept = statements.filter((s) => s.Sid !== label);
  if (kept.length === statements.length) throw invalidParameter("Statement doesn't exist");
  return JSON.stringify({ ...policy, Statement: kept });
}

function policyOf(topic: TopicRecord, scope: TopicScope): PolicyDocument {
  const text = topic.attributes.Policy || defaultPolicy(topicArnOf(topic.name, scope), scope.accountId);
  const parsed = JSON.parse(text) as PolicyDocument;
  if (!Array.isArray(parsed.Statement))
    parsed.Statement = parsed.Statement ? [parsed.Statement as Statement] : [];
  return parsed;
}

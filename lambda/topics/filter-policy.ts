import {
  type CompiledPolicy,
  compileFilterPolicy,
  FilterPolicyError,
  type FilterPolicyScope,
  matchesFilterPolicy,
} from '../filters/index.js';
import { SnsError } from './errors.js';
import type { Notification, SubscriptionRecord } from './types.js';

export type { FilterPolicyScope };

/** Compiled policies by scope and text: a publish matches every subscription, and policies rarely change. */
const compiled = new Map<string, CompiledPolicy>();
const MAX_CACHED_POLICIES = 1_000;

/** Checks a policy for a scope; throws InvalidParameter with SNS's message (Subscribe's when `subscribe`). */
export function checkFilterPolicy(policyJson: string, scope: FilterPolicyScope, subscribe: boolean): void {
  compiledPolicy(policyJson, scope, subscribe);
}

function compiledPolicy(policyJson: string, scope: FilterPolicyScope, subscribe = false): CompiledPolicy {
  const key = `${scope}\n${policyJson}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let policy: CompiledPolicy;
  try {
    policy = compileFilterPolicy(policyJson, scope);
  } catch (error) {
    if (error instanceof FilterPolicyError) {
      throw new SnsError('InvalidParameter', subscribe ? error.subscribeMessage : error.message);
    }
    throw error;
  }
  if (compiled.size >= MAX_CACHED_POLICIES) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, policy);
  return policy;
}

/**
 * Whether a subscription takes a notification: no policy takes everything. Body scope reads the message a
 * subscription of protocol `sqs` would get (with MessageStructure=json, that protocol's message).
 */
export function acceptsNotification(
  subscription: SubscriptionRecord,
  notification: Notification,
  message: string,
): boolean {
  const policyJson = subscription.attributes.FilterPolicy;
  if (policyJson === undefined) return true;
  const scope = (subscription.attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
  return matchesFilterPolicy(compiledPolicy(policyJson, scope), {
    messageAttributes: notification.messageAttributes,
    body: message,
  });
}

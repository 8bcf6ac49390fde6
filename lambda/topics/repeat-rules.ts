import { createHash } from 'node:crypto';
import type { StringMap } from '../engine/types.js';
import { invalidParameter, SnsError } from './errors.js';
import type { SubscriptionRecord } from './types.js';

/** Rules the topic engine applies to repeated creates and subscribes, and its small error helpers. */

/** A subscription's id: the same topic, protocol and endpoint always give the same id (and ARN). */
export function subscriptionIdOf(topicId: string, protocol: string, endpoint: string): string {
  const hex = createHash('sha256').update(`${topicId}\n${protocol}\n${endpoint}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A repeated Subscribe must ask for the attributes the subscription has (defaults count as asked). */
export function sameAttributes(existing: SubscriptionRecord, requested: StringMap): void {
  for (const [name, value] of Object.entries(requested)) {
    if ((existing.attributes[name] ?? defaultSubscriptionAttribute(name)) !== value) {
      throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
    }
  }
}

function defaultSubscriptionAttribute(name: string): string | undefined {
  if (name === 'RawMessageDelivery') return 'false';
  if (name === 'FilterPolicyScope') return 'MessageAttributes';
  return undefined;
}

/** What a topic attribute is when it was never set, for comparing a repeated CreateTopic. */
export function defaultAttribute(name: string): string | undefined {
  if (name === 'FifoTopic' || name === 'ContentBasedDeduplication') return 'false';
  if (name === 'DisplayName') return '';
  return undefined;
}

/** The tagging actions' answer for a topic that does not exist. */
export function resourceNotFound(): SnsError {
  return new SnsError('ResourceNotFound', 'Resource does not exist');
}

/** Client text cut to 64 characters for an error message. */
export function shown(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}

import type { StringMap } from '../engine/types.js';
import { topicArnOf } from '../topics/arns.js';
import { SnsError } from '../topics/errors.js';
import type { TopicEngine } from '../topics/topic-engine.js';
import type { SubscriptionDeclaration, TopicDeclaration } from './topics.js';

/**
 * Makes topics and their subscriptions match their declarations, through the topic engine's public actions (so
 * every SNS rule applies). Used by `npm start -- --config` for the file's `topics` and by the custom resources
 * behind the CDK `Topic` and `QueueSubscription`.
 */

/** What applying a declaration did to one topic and its declared subscriptions. */
export interface TopicOutcome {
  readonly topicName: string;
  readonly status: 'created' | 'updated' | 'unchanged';
  /** The attributes set and tag keys changed, for the report. */
  readonly changed: readonly string[];
  readonly subscriptions: readonly SubscriptionOutcome[];
}

export interface SubscriptionOutcome {
  readonly queue: string;
  readonly subscriptionArn: string;
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly changed: readonly string[];
}

/** An SNS action the engine refused while a topic was applied; `cause` is the engine's error. */
export class TopicApplyError extends Error {
  override readonly name = 'TopicApplyError';

  constructor(
    readonly topicName: string,
    readonly action: string,
    cause: unknown,
  ) {
    super(`topic '${topicName}': ${action} failed: ${describeCause(cause)}`, { cause });
  }
}

/** SNS's value for each subscription attribute a declaration can leave out; '' removes it. */
const SUBSCRIPTION_DEFAULTS: StringMap = {
  RawMessageDelivery: 'false',
  FilterPolicy: '',
  FilterPolicyScope: 'MessageAttributes',
  RedrivePolicy: '',
};

/** SNS's value for each topic attribute a CDK `Topic` can drop, to reset it on update. */
export const TOPIC_DEFAULTS: StringMap = {
  DisplayName: '',
  SignatureVersion: '1',
  TracingConfig: 'PassThrough',
  ContentBasedDeduplication: 'false',
  FifoThroughputScope: 'Topic',
};

/**
 * Creates or updates each topic, then its declared subscriptions. Topic attributes the declaration does not set
 * are left alone (so are subscriptions it does not declare); a declared subscription is made to have exactly the
 * declared attributes. A second run with the same declarations changes nothing.
 * @throws TopicApplyError when the engine refuses an action
 */
export async function applyTopics(
  engine: TopicEngine,
  topics: readonly TopicDeclaration[],
  queueArnOf: (queueName: string) => string,
): Promise<TopicOutcome[]> {
  const outcomes: TopicOutcome[] = [];
  for (const topic of topics) outcomes.push(await applyTopic(engine, topic, queueArnOf));
  return outcomes;
}

/** One topic and its subscriptions; `reset` names attributes to put back to SNS's default when not declared. */
export async function applyTopic(
  engine: TopicEngine,
  topic: TopicDeclaration,
  queueArnOf: (queueName: string) => string,
  reset: readonly string[] = [],
): Promise<TopicOutcome> {
  const topicArn = topicArnOf(topic.name, engine.scope);
  const act = async <T>(action: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new TopicApplyError(topic.name, action, error);
    }
  };
  const current = await act('GetTopicAttributes', async () => {
    try {
      return await engine.getTopicAttributes(topicArn);
    } catch (error) {
      if (error instanceof SnsError && error.code === 'NotFound') return undefined;
      throw error;
    }
  });
  let status: TopicOutcome['status'];
  const changed: string[] = [];
  if (current === undefined) {
    await act('CreateTopic', () =>
      engine.createTopic({
        name: topic.name,
        attributes: topic.attributes,
        tags: Object.entries(topic.tags ?? {}).map(([key, value]) => ({ key, value })),
      }),
    );
    status = 'created';
  } else {
    const wanted: Record<string, string> = {};
    for (const name of reset)
      if (Object.hasOwn(TOPIC_DEFAULTS, name)) wanted[name] = TOPIC_DEFAULTS[name] as string;
    Object.assign(wanted, topic.attributes);
    delete wanted.FifoTopic;
    if (!topic.fifo) {
      delete wanted.FifoThroughputScope;
      if (wanted.ContentBasedDeduplication === 'false') delete wanted.ContentBasedDeduplication;
    }
    for (const [attributeName, value] of Object.entries(wanted)) {
      if ((current[attributeName] ?? TOPIC_DEFAULTS[attributeName] ?? '') === value) continue;
      await act('SetTopicAttributes', () =>
        engine.setTopicAttributes({ topicArn, attributeName, attributeValue: value }),
      );
      changed.push(attributeName);
    }
    if (topic.tags !== undefined) changed.push(...(await applyTags(engine, topicArn, topic.tags, act)));
    status = changed.length > 0 ? 'updated' : 'unchanged';
  }
  const subscriptions: SubscriptionOutcome[] = [];
  for (const subscription of topic.subscriptions) {
    subscriptions.push(await applySubscription(engine, topic.name, subscription, queueArnOf));
  }
  return { topicName: topic.name, status, changed, subscriptions };
}

/**
 * Subscribes the queue, or makes its existing subscription's attributes match the declaration exactly.
 * @throws TopicApplyError when the engine refuses an action
 */
export async function applySubscription(
  engine: TopicEngine,
  topicName: string,
  subscription: SubscriptionDeclaration,
  queueArnOf: (queueName: string) => string,
): Promise<SubscriptionOutcome> {
  const topicArn = topicArnOf(topicName, engine.scope);
  const endpoint = queueArnOf(subscription.queue);
  const act = async <T>(action: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new TopicApplyError(topicName, `${action} (queue '${subscription.queue}')`, error);
    }
  };
  const wanted: Record<string, string> = { ...subscription.attributes };
  if (subscription.deadLetterQueue !== undefined) {
    wanted.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: queueArnOf(subscription.deadLetterQueue) });
  }
  const existing = await act('ListSubscriptionsByTopic', () => findSubscription(engine, topicArn, endpoint));
  if (existing === undefined) {
    const subscriptionArn = await act('Subscribe', () =>
      engine.subscribe({ topicArn, protocol: 'sqs', endpoint, attributes: wanted }),
    );
    return { queue: subscription.queue, subscriptionArn, status: 'created', changed: [] };
  }
  const current = await act('GetSubscriptionAttributes', () => engine.getSubscriptionAttributes(existing));
  const differs = (name: string) =>
    !sameValue(current[name] ?? SUBSCRIPTION_DEFAULTS[name], wanted[name] ?? SUBSCRIPTION_DEFAULTS[name]);
  const changes = Object.keys(SUBSCRIPTION_DEFAULTS).filter(differs);
  const set = (attributeName: string, value: string) =>
    act('SetSubscriptionAttributes', () =>
      engine.setSubscriptionAttributes({ subscriptionArn: existing, attributeName, attributeValue: value }),
    );
  // A policy is checked against the scope it will be read in: when the scope changes, the old policy goes
  // first and the new one comes last, so no step leaves a policy in the wrong scope (for that moment the
  // subscription takes every message).
  const scopeChanges = changes.includes('FilterPolicyScope');
  if (scopeChanges) await set('FilterPolicy', '');
  for (const name of changes) {
    if (name === 'FilterPolicy') continue;
    await set(name, wanted[name] ?? SUBSCRIPTION_DEFAULTS[name] ?? '');
  }
  const policy = wanted.FilterPolicy ?? '';
  if (changes.includes('FilterPolicy') || (scopeChanges && policy !== '')) await set('FilterPolicy', policy);
  return {
    queue: subscription.queue,
    subscriptionArn: existing,
    status: changes.length > 0 ? 'updated' : 'unchanged',
    changed: changes,
  };
}

/** The ARN of the topic's subscription to `endpoint`, if it has one. */
async function findSubscription(
  engine: TopicEngine,
  topicArn: string,
  endpoint: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await engine.listSubscriptionsByTopic({ topicArn, ...(nextToken ? { nextToken } : {}) });
    const found = page.subscriptions.find((s) => s.protocol === 'sqs' && s.endpoint === endpoint);
    if (found) return found.subscriptionArn;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
}

/** Makes the topic's tags exactly `tags`; returns the keys it touched. */
async function applyTags(
  engine: TopicEngine,
  topicArn: string,
  tags: StringMap,
  act: <T>(action: string, call: () => Promise<T>) => Promise<T>,
): Promise<string[]> {
  const current = await act('ListTagsForResource', () => engine.listTagsForResource(topicArn));
  const removed = Object.keys(current).filter((key) => !Object.hasOwn(tags, key));
  const added = Object.entries(tags).filter(([key, value]) => current[key] !== value);
  // Untag before tagging, so a swap of keys never counts more than 50 tags at once.
  if (removed.length > 0) {
    await act('UntagResource', () => engine.untagResource({ resourceArn: topicArn, tagKeys: removed }));
  }
  if (added.length > 0) {
    await act('TagResource', () =>
      engine.tagResource({ resourceArn: topicArn, tags: added.map(([key, value]) => ({ key, value })) }),
    );
  }
  return [...removed, ...added.map(([key]) => key)].map((key) => `tag ${key}`);
}

/** JSON values compare as JSON (a stored policy may be spaced differently), anything else as text. */
function sameValue(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** One line per topic and subscription for a report: `orders-events: created; subscription orders: created`. */
export function describeTopicOutcome(outcome: TopicOutcome): string {
  const topic =
    outcome.status === 'updated'
      ? `${outcome.topicName}: updated ${outcome.changed.join(', ')}`
      : `${outcome.topicName}: ${outcome.status}`;
  const subscriptions = outcome.subscriptions.map((s) =>
    s.status === 'updated'
      ? `subscription ${s.queue}: updated ${s.changed.join(', ')}`
      : `subscription ${s.queue}: ${s.status}`,
  );
  return [topic, ...subscriptions].join('; ');
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

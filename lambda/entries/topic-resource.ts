import type { CdkCustomResourceEvent } from 'aws-lambda';
import { QueuesConfigError, queueArn } from '../queues-config/schema.js';
import {
  parseSubscriptionDeclaration,
  parseTopicDeclaration,
  SUBSCRIPTION_RESOURCE_TYPE,
  type TopicDeclaration,
} from '../queues-config/topics.js';
import { applySubscription, applyTopic, TopicApplyError } from '../queues-config/topics-apply.js';
import { topicArnOf } from '../topics/arns.js';
import { SnsError } from '../topics/errors.js';
import type { TopicEngine } from '../topics/topic-engine.js';

/** What CloudFormation gets back: a topic's name, or a subscription's ARN, is its physical id. */
export interface TopicResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data: Record<string, string>;
}

export interface TopicResourceDeps {
  /** The topic engine of the service, built once per container. */
  readonly topics: () => Promise<TopicEngine>;
}

/**
 * Handles the custom resources of a CDK `Topic` (`Custom::SnsTopic`) and `QueueSubscription`
 * (`Custom::SnsSubscription`); the queue resource function routes them here. Their properties are declarations as
 * the queues config file writes them (`Topic`, `Subscription`: JSON), checked by the same parser and applied through
 * the topic engine's actions, so every SNS rule holds.
 *
 * - Topic Create: CreateTopic with the declared attributes and tags (SNS refuses a topic of that name with other
 *   attributes). Update: the topic is made to match; attributes or tags the old declaration had and the new one
 *   drops go back to SNS's defaults; a new name creates the new topic and CloudFormation deletes the old one.
 *   Delete: DeleteTopic (its subscriptions go with it); a topic already gone is success.
 * - Subscription Create and Update: Subscribe, or the existing subscription of that queue is made to have exactly
 *   the declared attributes; another topic or queue makes a new subscription, and CloudFormation deletes the old.
 *   Delete: Unsubscribe; one already gone (or whose topic is gone) is success.
 *
 * Every event can be repeated (CloudFormation retries, rollbacks) with the same outcome.
 */
export async function handleTopicResourceEvent(
  event: CdkCustomResourceEvent,
  deps: TopicResourceDeps,
): Promise<TopicResourceResponse> {
  const topics = await deps.topics();
  return event.ResourceType === SUBSCRIPTION_RESOURCE_TYPE
    ? handleSubscriptionEvent(event, topics)
    : handleTopicEvent(event, topics);
}

async function handleTopicEvent(
  event: CdkCustomResourceEvent,
  topics: TopicEngine,
): Promise<TopicResourceResponse> {
  if (event.RequestType === 'Delete') {
    const name = event.PhysicalResourceId;
    await deleteTopic(topics, name);
    return topicResponse(topics, name);
  }
  const topic = declarationOf(event.ResourceProperties, 'ResourceProperties', 'Topic', parseTopicDeclaration);
  const previous =
    event.RequestType === 'Update' && topic.name === event.PhysicalResourceId
      ? previousDeclaration(event.OldResourceProperties, 'Topic', parseTopicDeclaration)
      : undefined;
  if (event.RequestType === 'Create' || topic.name !== event.PhysicalResourceId) {
    await createTopic(topics, topic);
  } else {
    const dropped = Object.keys(previous?.attributes ?? {}).filter(
      (name) => !Object.hasOwn(topic.attributes, name),
    );
    const tags = topic.tags ?? (previous?.tags !== undefined ? {} : undefined);
    await applyTopic(topics, { ...topic, ...(tags ? { tags } : {}) }, unusedQueueArn, dropped);
  }
  return topicResponse(topics, topic.name);
}

async function handleSubscriptionEvent(
  event: CdkCustomResourceEvent,
  topics: TopicEngine,
): Promise<TopicResourceResponse> {
  if (event.RequestType === 'Delete') {
    await unsubscribe(topics, event.PhysicalResourceId);
    return {
      PhysicalResourceId: event.PhysicalResourceId,
      Data: { SubscriptionArn: event.PhysicalResourceId },
    };
  }
  const subscription = declarationOf(
    event.ResourceProperties,
    'ResourceProperties',
    'Subscription',
    parseSubscriptionDeclaration,
  );
  const outcome = await applySubscription(topics, subscription.topic, subscription, (name) =>
    queueArn(topics.scope, name),
  );
  return {
    PhysicalResourceId: outcome.subscriptionArn,
    Data: {
      SubscriptionArn: outcome.subscriptionArn,
      TopicArn: topicArnOf(subscription.topic, topics.scope),
      QueueArn: queueArn(topics.scope, subscription.queue),
    },
  };
}

function topicResponse(topics: TopicEngine, name: string): TopicResourceResponse {
  return { PhysicalResourceId: name, Data: { TopicName: name, TopicArn: topicArnOf(name, topics.scope) } };
}

/** CreateTopic, which answers success for the same topic again (a repeated Create) and refuses one that differs. */
async function createTopic(topics: TopicEngine, topic: TopicDeclaration): Promise<void> {
  try {
    await topics.createTopic({
      name: topic.name,
      attributes: topic.attributes,
      tags: Object.entries(topic.tags ?? {}).map(([key, value]) => ({ key, value })),
    });
  } catch (error) {
    throw new TopicApplyError(topic.name, 'CreateTopic', error);
  }
}

async function deleteTopic(topics: TopicEngine, name: string): Promise<void> {
  try {
    await topics.deleteTopic(topicArnOf(name, topics.scope));
  } catch (error) {
    // A physical id that names no possible topic (a Create that failed before it had one): nothing to delete.
    if (error instanceof SnsError && (error.code === 'NotFound' || error.code === 'InvalidParameter')) return;
    throw new TopicApplyError(name, 'DeleteTopic', error);
  }
}

async function unsubscribe(topics: TopicEngine, subscriptionArn: string): Promise<void> {
  try {
    await topics.unsubscribe(subscriptionArn);
  } catch (error) {
    // Not a subscription ARN: the Create failed before it made one, and there is nothing to delete.
    if (error instanceof SnsError && (error.code === 'InvalidParameter' || error.code === 'NotFound')) return;
    throw new Error(`subscription '${subscriptionArn}': Unsubscribe failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A property holding a declaration as JSON, parsed and checked; the error names each field that is wrong. */
function declarationOf<T>(
  properties: Record<string, unknown>,
  where: string,
  property: string,
  parse: (json: unknown) => T,
): T {
  const text = properties[property];
  if (typeof text !== 'string') {
    throw new Error(`${where}.${property} must be a declaration as a JSON string, got ${typeof text}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}.${property} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof QueuesConfigError) {
      throw new Error(`${where}.${property} is not a valid declaration:\n${error.message}`);
    }
    throw error;
  }
}

/** The declaration before this update; none when CloudFormation sent none we can read (nothing is reset then). */
function previousDeclaration<T>(
  properties: Record<string, unknown> | undefined,
  property: string,
  parse: (json: unknown) => T,
): T | undefined {
  if (properties === undefined) return undefined;
  try {
    return declarationOf(properties, 'OldResourceProperties', property, parse);
  } catch {
    return undefined;
  }
}

/** A `Topic` resource declares no subscriptions, so no queue ARN is ever asked for. */
function unusedQueueArn(name: string): string {
  throw new Error(`a topic resource names no queue, got '${name}'`);
}

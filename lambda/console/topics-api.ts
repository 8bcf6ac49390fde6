import { queueNameOfArn } from '../engine/redrive-policy.js';
import { isValidTopicName, topicArnOf } from '../topics/arns.js';
import { SnsError } from '../topics/errors.js';
import { describeSubscription } from '../topics/subscription-attributes.js';
import { describeTopic } from '../topics/topic-attributes.js';
import type { TopicEngine } from '../topics/topic-engine.js';
import type { SubscriptionRecord, TopicRecord } from '../topics/types.js';
import { type ConsoleAnswer, type ConsoleCall, ok, permittedQueues } from './console-context.js';
import { ConsoleError } from './console-http.js';

/**
 * The console's read-only view of SNS topics (docs/console-api.md, Topics), read through the topic engine. A
 * topic's name is matched against the same `console:Read` patterns as queue names (docs/console-api.md).
 */

/** GET /console/api/topics: every topic the caller may read, by name, with its subscription count. */
export async function listTopics(call: ConsoleCall): Promise<ConsoleAnswer> {
  const readable = permittedQueues(call, 'console:Read');
  const engine = call.services.topics;
  const topics: unknown[] = [];
  let nextToken: string | undefined;
  do {
    const page = await engine.listTopics(nextToken);
    const records = await Promise.all(
      page.topicArns
        .map((arn) => arn.slice(arn.lastIndexOf(':') + 1))
        .filter((name) => readable === 'all' || readable(name))
        .map((name) => topicRecord(engine, name)),
    );
    for (const record of records) {
      if (record === undefined) continue; // deleted while listing
      const subscriptions = await engine.allSubscriptions(record);
      topics.push({ ...topicSummary(engine, record), subscriptionCount: subscriptions.length });
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return ok({ topics });
}

/** GET /console/api/topics/{name}: the topic's attributes and every subscription, with its filter policy. */
export async function describeTopicPage(call: ConsoleCall, topicName: string): Promise<ConsoleAnswer> {
  const engine = call.services.topics;
  const record = await topicRecord(engine, topicName);
  if (record === undefined) {
    throw new ConsoleError('TopicNotFound', 'There is no topic of that name in this account and region.');
  }
  const subscriptions = await engine.allSubscriptions(record);
  return ok({
    ...topicSummary(engine, record),
    subscriptionCount: subscriptions.length,
    attributes: describeTopic(record, engine.scope, { confirmed: subscriptions.length }),
    tags: record.tags,
    subscriptions: subscriptions.map((subscription) => subscriptionJson(engine, subscription)),
  });
}

/** The topic of that name; undefined when there is none, or the name could name none (no storage read then). */
async function topicRecord(engine: TopicEngine, name: string): Promise<TopicRecord | undefined> {
  if (!isValidTopicName(name, false) && !isValidTopicName(name, true)) return undefined;
  try {
    return await engine.requireTopic(topicArnOf(name, engine.scope));
  } catch (error) {
    if (error instanceof SnsError && error.code === 'NotFound') return undefined;
    throw error;
  }
}

function topicSummary(engine: TopicEngine, record: TopicRecord) {
  return {
    name: record.name,
    arn: topicArnOf(record.name, engine.scope),
    fifo: record.attributes.FifoTopic === 'true',
    displayName: record.attributes.DisplayName ?? '',
    createdMs: record.createdMs,
  };
}

function subscriptionJson(engine: TopicEngine, subscription: SubscriptionRecord) {
  const { accountId, region } = engine.scope;
  const attributes = describeSubscription(subscription, engine.scope);
  const filterPolicy = attributes.FilterPolicy;
  const redrivePolicy = attributes.RedrivePolicy;
  const deadLetterArn = redrivePolicy === undefined ? undefined : deadLetterTargetOf(redrivePolicy);
  const deadLetterName =
    deadLetterArn === undefined ? undefined : queueNameOfArn(deadLetterArn, accountId, region);
  const queueName =
    subscription.protocol === 'sqs' ? queueNameOfArn(subscription.endpoint, accountId, region) : undefined;
  return {
    subscriptionArn: attributes.SubscriptionArn,
    protocol: subscription.protocol,
    endpoint: subscription.endpoint,
    ...(queueName === undefined ? {} : { queueName }),
    rawMessageDelivery: attributes.RawMessageDelivery === 'true',
    ...(filterPolicy === undefined
      ? {}
      : { filterPolicy: prettyJson(filterPolicy), filterPolicyScope: attributes.FilterPolicyScope }),
    ...(redrivePolicy === undefined ? {} : { redrivePolicy }),
    ...(deadLetterArn === undefined ? {} : { deadLetterTargetArn: deadLetterArn }),
    ...(deadLetterName === undefined ? {} : { deadLetterQueueName: deadLetterName }),
    createdMs: subscription.createdMs,
  };
}

/** A JSON document indented by two spaces; the text as stored when it does not parse. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function deadLetterTargetOf(redrivePolicy: string): string | undefined {
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

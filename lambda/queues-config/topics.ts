import type { StringMap } from '../engine/types.js';
import { isValidTopicName } from '../topics/arns.js';
import { SnsError } from '../topics/errors.js';
import { checkFilterPolicy } from '../topics/filter-policy.js';
import { checkTags } from '../topics/tags.js';
import { checkCreateAttributes } from '../topics/topic-attributes.js';
import { isPlainObject } from './attribute-rules.js';
import { QueuesConfigError, type QueuesConfigIssue } from './schema.js';

/**
 * Topics and their queue subscriptions declared as data: the `topics` of a queues config file, and the custom
 * resources behind the CDK `Topic` and `QueueSubscription`. Pure, like the rest of this folder: parsing takes
 * values and returns values; `topics-apply.ts` acts, through the topic engine.
 */

/** The custom resource type of a CDK `Topic`. */
export const TOPIC_RESOURCE_TYPE = 'Custom::SnsTopic';
/** The custom resource type of a CDK `QueueSubscription`. */
export const SUBSCRIPTION_RESOURCE_TYPE = 'Custom::SnsSubscription';

/** One topic as the file declares it, validated and normalised. */
export interface TopicDeclaration {
  /** The topic name; a FIFO topic's ends in `.fifo`. */
  readonly name: string;
  readonly fifo: boolean;
  /**
   * SNS topic attributes as CreateTopic takes them (`DisplayName`, `SignatureVersion`, ...), `FifoTopic: 'true'`
   * included for a FIFO topic.
   */
  readonly attributes: StringMap;
  /** @default - the topic's tags are left as they are */
  readonly tags?: StringMap;
  /** Subscriptions the file declares; others the topic has are left alone. */
  readonly subscriptions: readonly SubscriptionDeclaration[];
}

/** A subscription of a queue of this service to a topic: protocol `sqs`, endpoint the queue's ARN. */
export interface SubscriptionDeclaration {
  /** The subscribed queue's name. */
  readonly queue: string;
  /**
   * `RawMessageDelivery`, `FilterPolicy` (JSON text) and `FilterPolicyScope`, as Subscribe takes them. The
   * subscription is made to have exactly these: one the declaration leaves out goes back to SNS's default.
   */
  readonly attributes: StringMap;
  /** The queue undeliverable messages go to (the subscription's RedrivePolicy). @default - none */
  readonly deadLetterQueue?: string;
}

/** What the parser knows of the queues a subscription may name. */
export type KnownQueues = ReadonlyMap<string, { readonly fifo: boolean }>;

const FIFO_SUFFIX = '.fifo';
const TOPIC_FIELDS = [
  'name',
  'fifo',
  'displayName',
  'contentBasedDeduplication',
  'signatureVersion',
  'fifoThroughputScope',
  'tracingConfig',
  'tags',
  'subscriptions',
];
const SUBSCRIPTION_FIELDS = [
  'queue',
  'rawMessageDelivery',
  'filterPolicy',
  'filterPolicyScope',
  'deadLetterQueue',
];
const NAME_ALLOWED =
  '1 to 256 letters, digits, hyphens or underscores, ending in .fifo for a FIFO topic (within the 256)';

type Report = (field: string, problem: string) => void;

/**
 * Checks the `topics` of a queues config file against the queues it declares: every subscribed queue (and
 * dead-letter queue) must be declared in the file too, so it exists before it is subscribed.
 * @throws QueuesConfigError naming each topic and field that is wrong
 */
export function parseTopics(json: unknown, queues: KnownQueues): TopicDeclaration[] {
  if (json === undefined) return [];
  if (!Array.isArray(json)) {
    throw new QueuesConfigError([
      { field: 'topics', problem: `must be an array of topic declarations, got ${show(json)}` },
    ]);
  }
  const issues: QueuesConfigIssue[] = [];
  const topics: TopicDeclaration[] = [];
  const positions = new Map<string, string[]>();
  json.forEach((entry: unknown, index) => {
    const topic = parseTopicEntry(entry, `topics[${index}]`, queues, issues);
    if (topic === undefined) return;
    topics.push(topic);
    positions.set(topic.name, [...(positions.get(topic.name) ?? []), `topics[${index}]`]);
  });
  for (const [name, where] of positions) {
    if (where.length > 1) {
      issues.push({
        queue: `topic '${name}'`,
        field: 'name',
        problem: `is declared more than once (${where.join(', ')})`,
      });
    }
  }
  if (issues.length > 0) throw new QueuesConfigError(issues);
  return topics;
}

/**
 * Checks one topic declaration, as the CDK `Topic`'s custom resource carries it (without subscriptions: each
 * `QueueSubscription` is a resource of its own).
 * @throws QueuesConfigError naming each field that is wrong
 */
export function parseTopicDeclaration(json: unknown): TopicDeclaration {
  const issues: QueuesConfigIssue[] = [];
  const topic = parseTopicEntry(json, 'the topic', undefined, issues);
  if (topic === undefined || issues.length > 0) throw new QueuesConfigError(issues);
  return topic;
}

/** A subscription as the CDK `QueueSubscription`'s custom resource carries it: the declaration and its topic. */
export interface TopicSubscriptionDeclaration extends SubscriptionDeclaration {
  readonly topic: string;
}

/**
 * Checks one subscription declaration with its `topic` name, as the CDK `QueueSubscription`'s custom resource
 * carries it. `queues`, when given, must hold the subscribed queue and the dead-letter queue.
 * @throws QueuesConfigError naming each field that is wrong
 */
export function parseSubscriptionDeclaration(
  json: unknown,
  queues?: KnownQueues,
): TopicSubscriptionDeclaration {
  const issues: QueuesConfigIssue[] = [];
  const topic = isPlainObject(json) && isTopicName(json.topic) ? json.topic : undefined;
  const label = topic === undefined ? 'the subscription' : `topic '${topic}'`;
  if (topic === undefined) {
    const given = isPlainObject(json) ? json.topic : undefined;
    issues.push({ queue: label, field: 'topic', problem: nameProblem(given) });
  }
  const rest = isPlainObject(json)
    ? Object.fromEntries(Object.entries(json).filter(([k]) => k !== 'topic'))
    : json;
  const subscription = parseSubscription(
    rest,
    'subscription',
    topic?.endsWith(FIFO_SUFFIX) ?? false,
    queues,
    (field, problem) => issues.push({ queue: label, field, problem }),
  );
  if (topic === undefined || subscription === undefined || issues.length > 0)
    throw new QueuesConfigError(issues);
  return { topic, ...subscription };
}

function parseTopicEntry(
  entry: unknown,
  position: string,
  queues: KnownQueues | undefined,
  issues: QueuesConfigIssue[],
): TopicDeclaration | undefined {
  if (!isPlainObject(entry)) {
    issues.push({ field: position, problem: `must be an object with at least a name, got ${show(entry)}` });
    return undefined;
  }
  const name = isTopicName(entry.name) ? entry.name : undefined;
  const report: Report = (field, problem) =>
    issues.push({ queue: name === undefined ? position : `topic '${name}'`, field, problem });
  if (name === undefined) report('name', nameProblem(entry.name));
  for (const key of Object.keys(entry)) {
    if (!TOPIC_FIELDS.includes(key)) report(key, `is not a topic field; allowed: ${TOPIC_FIELDS.join(', ')}`);
  }
  const fifo = name?.endsWith(FIFO_SUFFIX) ?? false;
  if (entry.fifo !== undefined && typeof entry.fifo !== 'boolean') {
    report('fifo', `must be true or false, got ${show(entry.fifo)}`);
  } else if (name !== undefined && entry.fifo === true && !fifo) {
    report('fifo', 'is true, but a FIFO topic needs a name that ends in .fifo');
  } else if (name !== undefined && entry.fifo === false && fifo) {
    report('fifo', 'is false, but a name ending in .fifo is a FIFO topic');
  }
  const attributes = parseTopicAttributes(entry, fifo, name !== undefined, report);
  const tags = entry.tags === undefined ? undefined : parseTags(entry.tags, report);
  const subscriptions: SubscriptionDeclaration[] = [];
  if (entry.subscriptions !== undefined && !Array.isArray(entry.subscriptions)) {
    report(
      'subscriptions',
      `must be an array of subscription declarations, got ${show(entry.subscriptions)}`,
    );
  } else if (Array.isArray(entry.subscriptions)) {
    const seen = new Set<string>();
    entry.subscriptions.forEach((json: unknown, index) => {
      const field = `subscriptions[${index}]`;
      const subscription = parseSubscription(json, field, fifo, queues, report);
      if (subscription === undefined) return;
      if (seen.has(subscription.queue)) {
        report(
          `${field}.queue`,
          `subscribes '${subscription.queue}' again; a queue is subscribed to a topic once`,
        );
      }
      seen.add(subscription.queue);
      subscriptions.push(subscription);
    });
  }
  if (name === undefined) return undefined;
  return { name, fifo, attributes, ...(tags === undefined ? {} : { tags }), subscriptions };
}

/** The camelCase fields the file (and the CDK props) use, as the SNS attributes CreateTopic takes. */
function parseTopicAttributes(
  entry: Record<string, unknown>,
  fifo: boolean,
  knowsType: boolean,
  report: Report,
): StringMap {
  const attributes: Record<string, string> = Object.create(null);
  const fifoOnly = (field: string) => {
    if (knowsType && !fifo) {
      report(field, 'applies only to FIFO topics, whose names end in .fifo');
      return false;
    }
    return true;
  };
  const { displayName, contentBasedDeduplication, signatureVersion, fifoThroughputScope, tracingConfig } =
    entry;
  if (displayName !== undefined) {
    if (typeof displayName !== 'string' || displayName.length > 100) {
      report('displayName', `must be a string of up to 100 characters, got ${show(displayName)}`);
    } else attributes.DisplayName = displayName;
  }
  if (contentBasedDeduplication !== undefined) {
    if (typeof contentBasedDeduplication !== 'boolean') {
      report('contentBasedDeduplication', `must be true or false, got ${show(contentBasedDeduplication)}`);
    } else if (!contentBasedDeduplication || fifoOnly('contentBasedDeduplication')) {
      attributes.ContentBasedDeduplication = String(contentBasedDeduplication);
    }
  }
  if (signatureVersion !== undefined) {
    const text = typeof signatureVersion === 'number' ? String(signatureVersion) : signatureVersion;
    if (text !== '1' && text !== '2')
      report('signatureVersion', `must be "1" or "2", got ${show(signatureVersion)}`);
    else attributes.SignatureVersion = text;
  }
  if (fifoThroughputScope !== undefined) {
    if (fifoThroughputScope !== 'Topic' && fifoThroughputScope !== 'MessageGroup') {
      report('fifoThroughputScope', `must be "Topic" or "MessageGroup", got ${show(fifoThroughputScope)}`);
    } else if (fifoOnly('fifoThroughputScope')) attributes.FifoThroughputScope = fifoThroughputScope;
  }
  if (tracingConfig !== undefined) {
    if (tracingConfig !== 'PassThrough' && tracingConfig !== 'Active') {
      report('tracingConfig', `must be "PassThrough" or "Active", got ${show(tracingConfig)}`);
    } else attributes.TracingConfig = tracingConfig;
  }
  if (fifo) attributes.FifoTopic = 'true';
  // SNS's own check, the one CreateTopic runs: it catches what the fields above let through (control characters).
  try {
    checkCreateAttributes(attributes, fifo);
  } catch (error) {
    if (!(error instanceof SnsError)) throw error;
    report('attributes', `are refused by SNS: ${error.message}`);
  }
  return attributes;
}

function parseSubscription(
  json: unknown,
  field: string,
  fifoTopic: boolean,
  queues: KnownQueues | undefined,
  report: Report,
): SubscriptionDeclaration | undefined {
  if (!isPlainObject(json)) {
    report(field, `must be an object like { "queue": "orders" }, got ${show(json)}`);
    return undefined;
  }
  for (const key of Object.keys(json)) {
    if (!SUBSCRIPTION_FIELDS.includes(key)) {
      report(`${field}.${key}`, `is not a subscription field; allowed: ${SUBSCRIPTION_FIELDS.join(', ')}`);
    }
  }
  const queue = typeof json.queue === 'string' && json.queue !== '' ? json.queue : undefined;
  if (queue === undefined)
    report(`${field}.queue`, `is required: the name of a queue, got ${show(json.queue)}`);
  else checkQueue(`${field}.queue`, queue, fifoTopic, queues, report);
  const attributes: Record<string, string> = Object.create(null);
  if (json.rawMessageDelivery !== undefined) {
    if (typeof json.rawMessageDelivery !== 'boolean') {
      report(`${field}.rawMessageDelivery`, `must be true or false, got ${show(json.rawMessageDelivery)}`);
    } else attributes.RawMessageDelivery = String(json.rawMessageDelivery);
  }
  const scope = json.filterPolicyScope ?? 'MessageAttributes';
  if (scope !== 'MessageAttributes' && scope !== 'MessageBody') {
    report(`${field}.filterPolicyScope`, `must be "MessageAttributes" or "MessageBody", got ${show(scope)}`);
  } else if (json.filterPolicyScope !== undefined) attributes.FilterPolicyScope = scope;
  if (json.filterPolicy !== undefined) {
    if (!isPlainObject(json.filterPolicy)) {
      report(`${field}.filterPolicy`, `must be a filter policy object, got ${show(json.filterPolicy)}`);
    } else {
      const policy = JSON.stringify(json.filterPolicy);
      try {
        checkFilterPolicy(policy, scope === 'MessageBody' ? 'MessageBody' : 'MessageAttributes', false);
        attributes.FilterPolicy = policy;
      } catch (error) {
        if (!(error instanceof SnsError)) throw error;
        report(`${field}.filterPolicy`, `is refused by SNS: ${error.message}`);
      }
    }
  }
  let deadLetterQueue: string | undefined;
  if (json.deadLetterQueue !== undefined) {
    if (typeof json.deadLetterQueue !== 'string' || json.deadLetterQueue === '') {
      report(`${field}.deadLetterQueue`, `must be the name of a queue, got ${show(json.deadLetterQueue)}`);
    } else {
      deadLetterQueue = json.deadLetterQueue;
      checkDeadLetterQueue(`${field}.deadLetterQueue`, deadLetterQueue, fifoTopic, queues, report);
    }
  }
  if (queue === undefined) return undefined;
  return { queue, attributes, ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }) };
}

/** SNS's rules for an `sqs` endpoint: a FIFO topic delivers to FIFO queues only, a standard topic to Standard ones. */
function checkQueue(
  field: string,
  name: string,
  fifoTopic: boolean,
  queues: KnownQueues | undefined,
  report: Report,
) {
  const fifoQueue = name.endsWith(FIFO_SUFFIX);
  if (fifoTopic && !fifoQueue)
    report(field, `names the Standard queue '${name}'; a FIFO topic delivers to FIFO queues only`);
  if (!fifoTopic && fifoQueue)
    report(field, `names the FIFO queue '${name}'; a standard topic cannot deliver to FIFO queues`);
  if (queues !== undefined && !queues.has(name)) {
    report(
      field,
      `names '${name}', which this file does not declare; declare it under queues too (a bare { "name": "${name}" } leaves an existing queue as it is)`,
    );
  }
}

function checkDeadLetterQueue(
  field: string,
  name: string,
  fifoTopic: boolean,
  queues: KnownQueues | undefined,
  report: Report,
) {
  if (fifoTopic && !name.endsWith(FIFO_SUFFIX)) {
    report(
      field,
      `names the Standard queue '${name}'; a FIFO subscription's dead-letter queue must be a FIFO queue`,
    );
  }
  if (queues !== undefined && !queues.has(name)) {
    report(field, `names '${name}', which this file does not declare; declare it under queues too`);
  }
}

function parseTags(json: unknown, report: Report): StringMap | undefined {
  if (!isPlainObject(json) || Object.values(json).some((value) => typeof value !== 'string')) {
    report('tags', `must be an object of tag keys and string values, got ${show(json)}`);
    return undefined;
  }
  const tags = Object.entries(json as Record<string, string>).map(([key, value]) => ({ key, value }));
  try {
    checkTags(tags);
  } catch (error) {
    if (!(error instanceof SnsError)) throw error;
    report('tags', `are refused by SNS: ${error.message}`);
    return undefined;
  }
  if (tags.length > 50) {
    report('tags', `has ${tags.length} tags; a topic can have at most 50`);
    return undefined;
  }
  return { ...(json as Record<string, string>) };
}

function isTopicName(value: unknown): value is string {
  return typeof value === 'string' && isValidTopicName(value, value.endsWith(FIFO_SUFFIX));
}

function nameProblem(value: unknown): string {
  return value === undefined ? `is required: ${NAME_ALLOWED}` : `must be ${NAME_ALLOWED}, got ${show(value)}`;
}

/** A value as it would appear in the file, cut short when long. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

import { randomUUID } from 'node:crypto';
import type { Clock } from '../engine/clock.js';
import type { StringMap } from '../engine/types.js';
import {
  isValidTopicName,
  parseSubscriptionArn,
  subscriptionArnOf,
  type TopicScope,
  topicArnOf,
  topicNameOfArn,
} from './arns.js';
import { invalidParameter, SnsError, subscriptionNotFound, topicNotFound } from './errors.js';
import { endpointQueueName } from './fan-out.js';
import { decodeToken, encodeToken, PAGE_SIZE } from './paging.js';
import { addPermission, type PermissionInput, removePermission } from './permissions.js';
import {
  defaultAttribute,
  resourceNotFound,
  sameAttributes,
  shown,
  subscriptionIdOf,
} from './repeat-rules.js';
import { applySubscriptionAttributes, describeSubscription } from './subscription-attributes.js';
import { checkTagCount, checkTags, type Tag } from './tags.js';
import { checkCreateAttributes, checkSetAttribute, describeTopic, isFifoTopic } from './topic-attributes.js';
import type { SubscriptionRecord, TopicRecord, TopicStore } from './types.js';

/** The protocols SNS knows; only `sqs` (to this service's queues) is served here. */
const KNOWN_PROTOCOLS = new Set([
  'http',
  'https',
  'email',
  'email-json',
  'sms',
  'sqs',
  'application',
  'lambda',
  'firehose',
]);
/** SNS's limit for FIFO topics (standard topics allow 12.5 million). */
const MAX_FIFO_TOPIC_SUBSCRIPTIONS = 100;
const MAX_FILTER_POLICIES_PER_TOPIC = 200;

/** A subscription as the List actions show it. */
export interface SubscriptionSummary {
  readonly subscriptionArn: string;
  readonly owner: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly topicArn: string;
}

export interface TopicEngineOptions {
  readonly store: TopicStore;
  readonly clock: Clock;
  readonly scope: TopicScope;
}

/** Topics, subscriptions, tags and permissions: every SNS action except Publish and PublishBatch. */
export class TopicEngine {
  readonly scope: TopicScope;
  private readonly store: TopicStore;
  private readonly clock: Clock;

  constructor(options: TopicEngineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.scope = options.scope;
  }

  async createTopic(input: { name: string; attributes?: StringMap; tags?: readonly Tag[] }): Promise<string> {
    const attributes = input.attributes ?? {};
    const fifo = attributes.FifoTopic === 'true';
    if (!isValidTopicName(input.name, fifo)) {
      throw invalidParameter(
        fifo
          ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
          : 'Topic Name',
      );
    }
    checkCreateAttributes(attributes, fifo);
    const tags = checkTags(input.tags ?? []);
    checkTagCount({}, tags);
    const record: TopicRecord = {
      name: input.name,
      id: randomUUID(),
      attributes,
      tags,
      createdMs: this.clock.nowMs(),
    };
    const stored = await this.store.createTopic(record);
    if (stored.id !== record.id) {
      for (const [name, value] of Object.entries(attributes)) {
        if ((stored.attributes[name] ?? defaultAttribute(name)) !== value) {
          throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
        }
      }
      for (const [key, value] of Object.entries(tags)) {
        if (stored.tags[key] !== value)
          throw invalidParameter('Tags Reason: Topic already exists with different tags');
      }
    }
    return topicArnOf(input.name, this.scope);
  }

  async deleteTopic(topicArn: string): Promise<void> {
    const topic = await this.store.getTopic(topicNameOfArn(topicArn, 'TopicArn', this.scope));
    // DeleteTopic of a topic that does not exist succeeds, as in SNS.
    if (topic !== undefined) await this.store.deleteTopic(topic);
  }

  async listTopics(nextToken?: string): Promise<{ topicArns: string[]; nextToken?: string }> {
    const afterName = nextToken === undefined ? undefined : decodeToken(nextToken, 1)[0];
    const page = await this.store.listTopics({ limit: PAGE_SIZE, ...(afterName ? { afterName } : {}) });
    return {
      topicArns: page.items.map((topic) => topicArnOf(topic.name, this.scope)),
      ...(page.last === undefined ? {} : { nextToken: encodeToken([page.last]) }),
    };
  }

  async getTopicAttributes(topicArn: string): Promise<Record<string, string>> {
    const topic = await this.requireTopic(topicArn);
    const subscriptions = await this.allSubscriptions(topic);
    return describeTopic(topic, this.scope, { confirmed: subscriptions.length });
  }

  async setTopicAttributes(input: {
    topicArn: string;
    attributeName: string;
    attributeValue?: string;
  }): Promise<void> {
    const topic = await this.requireTopic(input.topicArn);
    const value = input.attributeValue ?? '';
    checkSetAttribute(input.attributeName, value, topic);
    if (!(await this.store.updateTopic(topic, { attributes: { [input.attributeName]: value } })))
      throw topicNotFound();
  }

  async subscribe(input: {
    topicArn: string;
    protocol: string;
    endpoint?: string;
    attributes?: StringMap;
  }): Promise<string> {
    const topic = await this.requireTopic(input.topicArn);
    if (!KNOWN_PROTOCOLS.has(input.protocol)) {
      throw invalidParameter(`Amazon SNS does not support this protocol string: ${shown(input.protocol)}`);
    }
    if (input.protocol !== 'sqs') {
      throw invalidParameter(
        `Protocol Reason: this service delivers to its own SQS queues only (protocol sqs), not ${input.protocol}`,
      );
    }
    const endpoint = input.endpoint ?? '';
    const queueName = endpointQueueName({ endpoint } as SubscriptionRecord, this.scope);
    if (queueName === undefined) throw invalidParameter('SQS endpoint ARN');
    const fifoTopic = isFifoTopic(topic);
    const fifoEndpoint = queueName.endsWith('.fifo');
    if (fifoEndpoint && !fifoTopic) {
      throw invalidParameter(
        'Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics',
      );
    }
    if (fifoTopic && !fifoEndpoint)
      throw invalidParameter('Invalid parameter: Endpoint Reason: Please use FIFO SQS queue');
    const attributes = applySubscriptionAttributes(
      {},
      input.attributes ?? {},
      {
        scope: this.scope,
        fifoTopic,
        fifoEndpoint,
      },
      true,
    );
    const record: SubscriptionRecord = {
      topicName: topic.name,
      topicId: topic.id,
      id: subscriptionIdOf(topic.id, input.protocol, endpoint),
      protocol: input.protocol,
      endpoint,
      attributes,
      createdMs: this.clock.nowMs(),
    };
    const existing = await this.store.getSubscription(topic.id, record.id);
    if (existing === undefined) {
      await this.checkSubscriptionLimits(topic, attributes);
      const stored = await this.store.createSubscription(record);
      if (stored.createdMs !== record.createdMs) sameAttributes(stored, attributes);
    } else {
      sameAttributes(existing, attributes);
    }
    return subscriptionArnOf(topic.name, record.id, this.scope);
  }

  /** No subscription here ever waits for confirmation, so no token is ever valid. */
  async confirmSubscription(input: { topicArn: string; token: string }): Promise<never> {
    await this.requireTopic(input.topicArn);
    throw invalidParameter('Token');
  }

  async unsubscribe(subscriptionArn: string): Promise<void> {
    const parsed = parseSubscriptionArn(subscriptionArn, this.scope);
    if (parsed === 'malformed') throw invalidParameter('SubscriptionId');
    if (parsed === 'not-found') return;
    const found = await this.findSubscription(parsed);
    // Unsubscribe is idempotent in SNS: a subscription already gone is success.
    if (found !== undefined) await this.store.deleteSubscription(found);
  }

  async getSubscriptionAttributes(subscriptionArn: string): Promise<Record<string, string>> {
    return describeSubscription(await this.requireSubscription(subscriptionArn), this.scope);
  }

  async setSubscriptionAttributes(input: {
    subscriptionArn: string;
    attributeName: string;
    attributeValue?: string;
  }): Promise<void> {
    const subscription = await this.requireSubscription(input.subscriptionArn);
    const topic = await this.store.getTopic(subscription.topicName);
    if (topic === undefined || topic.id !== subscription.topicId) throw subscriptionNotFound();
    const attributes = applySubscriptionAttributes(
      subscription.attributes,
      { [input.attributeName]: input.attributeValue ?? '' },
      {
        scope: this.scope,
        fifoTopic: isFifoTopic(topic),
        fifoEndpoint: subscription.endpoint.endsWith('.fifo'),
      },
      false,
    );
    if (
      input.attributeName === 'FilterPolicy' &&
      attributes.FilterPolicy &&
      !subscription.attributes.FilterPolicy
    ) {
      await this.checkSubscriptionLimits(topic, attributes, true);
    }
    if (!(await this.store.updateSubscription(subscription, attributes))) throw subscriptionNotFound();
  }

  async listSubscriptions(
    nextToken?: string,
  ): Promise<{ subscriptions: SubscriptionSummary[]; nextToken?: string }> {
    // A token names the topic a page stopped in and the last subscription it showed.
    const [startName, startAfterId] =
      nextToken === undefined ? [undefined, undefined] : decodeToken(nextToken, 2);
    const found: SubscriptionRecord[] = [];
    let afterName = startName;
    let resumed = startName === undefined ? undefined : await this.store.getTopic(startName);
    for (;;) {
      const topics = await this.store.listTopics({ limit: PAGE_SIZE, ...(afterName ? { afterName } : {}) });
      for (const topic of resumed ? [resumed, ...topics.items] : topics.items) {
        let afterId = topic === resumed ? startAfterId : undefined;
        do {
          const page = await this.store.listSubscriptions(topic.id, {
            limit: PAGE_SIZE - found.length,
            ...(afterId ? { afterId } : {}),
          });
          found.push(...page.items);
          afterId = page.last;
          const last = found[found.length - 1];
          if (found.length >= PAGE_SIZE && last !== undefined) {
            return {
              subscriptions: found.map((s) => this.summary(s)),
              nextToken: encodeToken([topic.name, last.id]),
            };
          }
        } while (afterId !== undefined);
      }
      resumed = undefined;
      if (topics.last === undefined) return { subscriptions: found.map((s) => this.summary(s)) };
      afterName = topics.last;
    }
  }

  async listSubscriptionsByTopic(input: { topicArn: string; nextToken?: string }) {
    const topic = await this.requireTopic(input.topicArn);
    const afterId = input.nextToken === undefined ? undefined : decodeToken(input.nextToken, 1)[0];
    const page = await this.store.listSubscriptions(topic.id, {
      limit: PAGE_SIZE,
      ...(afterId ? { afterId } : {}),
    });
    return {
      subscriptions: page.items.map((s) => this.summary(s)),
      ...(page.last === undefined ? {} : { nextToken: encodeToken([page.last]) }),
    };
  }

  async tagResource(input: { resourceArn: string; tags: readonly Tag[] }): Promise<void> {
    const topic = await this.requireTaggable(input.resourceArn);
    const tags = checkTags(input.tags);
    checkTagCount(topic.tags, tags);
    if (!(await this.store.updateTopic(topic, { tags }))) throw resourceNotFound();
  }

  async untagResource(input: { resourceArn: string; tagKeys: readonly string[] }): Promise<void> {
    const topic = await this.requireTaggable(input.resourceArn);
    if (!(await this.store.updateTopic(topic, { removeTagKeys: input.tagKeys }))) throw resourceNotFound();
  }

  async listTagsForResource(resourceArn: string): Promise<StringMap> {
    return (await this.requireTaggable(resourceArn)).tags;
  }

  async addPermission(input: PermissionInput): Promise<void> {
    const topic = await this.requireTopic(input.topicArn);
    const policy = addPermission(topic, input, this.scope);
    if (!(await this.store.updateTopic(topic, { attributes: { Policy: policy } }))) throw topicNotFound();
  }

  async removePermission(input: { topicArn: string; label: string }): Promise<void> {
    const topic = await this.requireTopic(input.topicArn);
    const policy = removePermission(topic, input.label, this.scope);
    if (!(await this.store.updateTopic(topic, { attributes: { Policy: policy } }))) throw topicNotFound();
  }

  /** The topic a topic ARN names; NotFound when there is none. */
  async requireTopic(topicArn: string, member = 'TopicArn'): Promise<TopicRecord> {
    const topic = await this.store.getTopic(topicNameOfArn(topicArn, member, this.scope));
    if (topic === undefined) throw topicNotFound();
    return topic;
  }

  /** Every subscription of the topic. */
  async allSubscriptions(topic: TopicRecord): Promise<SubscriptionRecord[]> {
    const all: SubscriptionRecord[] = [];
    let afterId: string | undefined;
    do {
      const page = await this.store.listSubscriptions(topic.id, {
        limit: 1_000,
        ...(afterId ? { afterId } : {}),
      });
      all.push(...page.items);
      afterId = page.last;
    } while (afterId !== undefined);
    return all;
  }

  private async requireTaggable(resourceArn: string): Promise<TopicRecord> {
    let name: string;
    try {
      name = topicNameOfArn(resourceArn, 'ResourceArn', this.scope);
    } catch (error) {
      if (error instanceof SnsError && error.code === 'NotFound') throw resourceNotFound();
      throw error;
    }
    const topic = await this.store.getTopic(name);
    if (topic === undefined) throw resourceNotFound();
    return topic;
  }

  private async findSubscription(parsed: { topicName: string; subscriptionId: string }) {
    const topic = await this.store.getTopic(parsed.topicName);
    if (topic === undefined) return undefined;
    return this.store.getSubscription(topic.id, parsed.subscriptionId);
  }

  private async requireSubscription(subscriptionArn: string): Promise<SubscriptionRecord> {
    const parsed = parseSubscriptionArn(subscriptionArn, this.scope);
    if (parsed === 'malformed') throw invalidParameter('SubscriptionArn');
    if (parsed === 'not-found') throw subscriptionNotFound();
    const found = await this.findSubscription(parsed);
    if (found === undefined) throw subscriptionNotFound();
    return found;
  }

  private async checkSubscriptionLimits(
    topic: TopicRecord,
    attributes: StringMap,
    existing = false,
  ): Promise<void> {
    const fifo = isFifoTopic(topic);
    if (!fifo && attributes.FilterPolicy === undefined) return;
    const all = await this.allSubscriptions(topic);
    if (fifo && !existing && all.length >= MAX_FIFO_TOPIC_SUBSCRIPTIONS) {
      throw new SnsError('SubscriptionLimitExceeded', 'Subscription limit exceeded');
    }
    if (attributes.FilterPolicy !== undefined) {
      const withPolicies = all.filter((s) => s.attributes.FilterPolicy !== undefined).length;
      if (withPolicies >= MAX_FILTER_POLICIES_PER_TOPIC) {
        throw new SnsError('FilterPolicyLimitExceeded', 'Filter policy limit exceeded');
      }
    }
  }

  private summary(subscription: SubscriptionRecord): SubscriptionSummary {
    return {
      subscriptionArn: subscriptionArnOf(subscription.topicName, subscription.id, this.scope),
      owner: this.scope.accountId,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
      topicArn: topicArnOf(subscription.topicName, this.scope),
    };
  }
}

import { invalidParameter } from '../../topics/errors.js';
import type { PublishEntry, Publisher } from '../../topics/publisher.js';
import type { SubscriptionSummary, TopicEngine } from '../../topics/topic-engine.js';
import { optionalTextElement, textElement } from '../xml.js';
import type { SnsParams } from './params.js';
import { publishBatch } from './publish-batch.js';
import { attributesXml, membersXml } from './wire.js';

/** What an SNS action needs besides its parameters. */
export interface SnsContext {
  readonly topics: TopicEngine;
  readonly publisher: Publisher;
  /** `{scheme}://{host}` the request came in on. */
  readonly serviceUrl: string;
}

/** One SNS action: reads its parameters, calls the engine, returns the inner XML of `<{Action}Result>`. */
export type SnsAction = (params: SnsParams, context: SnsContext) => Promise<string | undefined>;

const none = undefined;

/** The actions this service serves, by name. */
export const SNS_ACTIONS: Readonly<Record<string, SnsAction>> = {
  CreateTopic: async (p, { topics }) => {
    const tags = p
      .structList('Tags')
      ?.map((tag) => ({ key: tag.required('Key'), value: tag.required('Value') }));
    if (p.string('DataProtectionPolicy') !== undefined) throw invalidParameter('DataProtectionPolicy');
    const arn = await topics.createTopic({
      name: p.required('Name'),
      ...optional('attributes', p.stringMap('Attributes')),
      ...optional('tags', tags),
    });
    return textElement('TopicArn', arn);
  },
  DeleteTopic: async (p, { topics }) => {
    await topics.deleteTopic(p.required('TopicArn'));
    return none;
  },
  ListTopics: async (p, { topics }) => {
    const page = await topics.listTopics(p.string('NextToken'));
    return (
      membersXml(
        'Topics',
        page.topicArns.map((arn) => textElement('TopicArn', arn)),
      ) + optionalTextElement('NextToken', page.nextToken)
    );
  },
  GetTopicAttributes: async (p, { topics }) =>
    attributesXml('Attributes', await topics.getTopicAttributes(p.required('TopicArn'))),
  SetTopicAttributes: async (p, { topics }) => {
    await topics.setTopicAttributes({
      topicArn: p.required('TopicArn'),
      attributeName: p.required('AttributeName'),
      ...optional('attributeValue', p.string('AttributeValue')),
    });
    return none;
  },
  Subscribe: async (p, { topics }) => {
    p.boolean('ReturnSubscriptionArn');
    const arn = await topics.subscribe({
      topicArn: p.required('TopicArn'),
      protocol: p.required('Protocol'),
      ...optional('endpoint', p.string('Endpoint')),
      ...optional('attributes', p.stringMap('Attributes')),
    });
    // Every subscription here is confirmed at once, so the ARN is always the answer.
    return textElement('SubscriptionArn', arn);
  },
  ConfirmSubscription: async (p, { topics }) => {
    await topics.confirmSubscription({ topicArn: p.required('TopicArn'), token: p.required('Token') });
    return none;
  },
  Unsubscribe: async (p, { topics }) => {
    await topics.unsubscribe(p.required('SubscriptionArn'));
    return none;
  },
  ListSubscriptions: async (p, { topics }) =>
    subscriptionsXml(await topics.listSubscriptions(p.string('NextToken'))),
  ListSubscriptionsByTopic: async (p, { topics }) =>
    subscriptionsXml(
      await topics.listSubscriptionsByTopic({
        topicArn: p.required('TopicArn'),
        ...optional('nextToken', p.string('NextToken')),
      }),
    ),
  GetSubscriptionAttributes: async (p, { topics }) =>
    attributesXml('Attributes', await topics.getSubscriptionAttributes(p.required('SubscriptionArn'))),
  SetSubscriptionAttributes: async (p, { topics }) => {
    await topics.setSubscriptionAttributes({
      subscriptionArn: p.required('SubscriptionArn'),
      attributeName: p.required('AttributeName'),
      ...optional('attributeValue', p.string('AttributeValue')),
    });
    return none;
  },
  Publish: async (p, { publisher, serviceUrl }) => {
    const result = await publisher.publish(
      {
        ...publishEntry(p),
        ...optional('topicArn', p.string('TopicArn')),
        ...optional('targetArn', p.string('TargetArn')),
        ...optional('phoneNumber', p.string('PhoneNumber')),
      },
      serviceUrl,
    );
    return (
      textElement('MessageId', result.messageId) +
      optionalTextElement('SequenceNumber', result.sequenceNumber)
    );
  },
  PublishBatch: publishBatch,
  TagResource: async (p, { topics }) => {
    const tags = (p.structList('Tags') ?? []).map((tag) => ({
      key: tag.required('Key'),
      value: tag.required('Value'),
    }));
    await topics.tagResource({ resourceArn: p.required('ResourceArn'), tags });
    return '';
  },
  UntagResource: async (p, { topics }) => {
    await topics.untagResource({
      resourceArn: p.required('ResourceArn'),
      tagKeys: p.stringList('TagKeys') ?? [],
    });
    return '';
  },
  ListTagsForResource: async (p, { topics }) => {
    const tags = await topics.listTagsForResource(p.required('ResourceArn'));
    return membersXml(
      'Tags',
      Object.entries(tags).map(([key, value]) => textElement('Key', key) + textElement('Value', value)),
    );
  },
  AddPermission: async (p, { topics }) => {
    await topics.addPermission({
      topicArn: p.required('TopicArn'),
      label: p.required('Label'),
      awsAccountIds: p.stringList('AWSAccountId') ?? [],
      actionNames: p.stringList('ActionName') ?? [],
    });
    return none;
  },
  RemovePermission: async (p, { topics }) => {
    await topics.removePermission({ topicArn: p.required('TopicArn'), label: p.required('Label') });
    return none;
  },
};

/** Publish's message members, shared with each PublishBatch entry. */
export function publishEntry(p: SnsParams): PublishEntry {
  return {
    message: p.required('Message'),
    ...optional('subject', p.string('Subject')),
    ...optional('messageStructure', p.string('MessageStructure')),
    ...optional('messageAttributes', p.messageAttributes()),
    ...optional('messageGroupId', p.string('MessageGroupId')),
    ...optional('messageDeduplicationId', p.string('MessageDeduplicationId')),
  };
}

function subscriptionsXml(page: {
  subscriptions: readonly SubscriptionSummary[];
  nextToken?: string;
}): string {
  return (
    membersXml(
      'Subscriptions',
      page.subscriptions.map(
        (s) =>
          textElement('TopicArn', s.topicArn) +
          textElement('Protocol', s.protocol) +
          textElement('SubscriptionArn', s.subscriptionArn) +
          textElement('Owner', s.owner) +
          textElement('Endpoint', s.endpoint),
      ),
    ) + optionalTextElement('NextToken', page.nextToken)
  );
}

export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

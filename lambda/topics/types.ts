import type { MessageAttributes, StringMap } from '../engine/types.js';

/**
 * The topic engine's vocabulary and its storage port, in SNS's words but camelCase and free of any wire format.
 * The DynamoDB adapter (storage/dynamo/topics/) implements {@link TopicStore}.
 */

/** A topic as stored: its settable attributes (as sent, defaults left out), tags and bookkeeping. */
export interface TopicRecord {
  readonly name: string;
  /** Chosen at creation: a topic deleted and created again has none of the old one's subscriptions. */
  readonly id: string;
  readonly attributes: StringMap;
  readonly tags: StringMap;
  readonly createdMs: number;
}

/** A subscription as stored. Only protocol `sqs` is ever stored. */
export interface SubscriptionRecord {
  readonly topicName: string;
  readonly topicId: string;
  /** The last part of the subscription ARN; derived from topic, protocol and endpoint, so a repeat finds it. */
  readonly id: string;
  readonly protocol: string;
  /** The queue ARN. */
  readonly endpoint: string;
  /** RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy, as set. */
  readonly attributes: StringMap;
  readonly createdMs: number;
}

/** How many partitions publish records spread over; each publish writes one record and removes it. */
export const PUBLISH_RECORD_SHARDS = 4;

/** What a publish carries, validated, as the fan-out needs it. */
export interface Notification {
  readonly messageId: string;
  /** Epoch ms: the envelope's Timestamp. */
  readonly timestampMs: number;
  /** The message as published; with MessageStructure=json, the JSON object's text. */
  readonly message: string;
  /** @default - none */
  readonly subject?: string;
  /** @default - a plain message */
  readonly messageStructure?: 'json';
  readonly messageAttributes: MessageAttributes;
  /** FIFO topics, or a fair-queue tenant on a standard topic. @default - none */
  readonly messageGroupId?: string;
  /** FIFO topics only: explicit or derived from the message. @default - none */
  readonly messageDeduplicationId?: string;
  /** FIFO topics only. @default - none */
  readonly sequenceNumber?: string;
  /** `{scheme}://{host}` the publish came in on: the envelope's SigningCertURL and UnsubscribeURL point there. */
  readonly serviceUrl: string;
}

/**
 * A publish recorded before its fan-out and removed after it: while it exists, some matching subscription may
 * not hold the message yet, and whoever holds its lease delivers it (docs/design.md, "Topics").
 */
export interface PublishRecord {
  readonly topicName: string;
  readonly topicId: string;
  readonly notification: Notification;
  /** The subscriptions whose filter matched when the message was published. */
  readonly subscriptionIds: readonly string[];
  readonly createdMs: number;
  /** Until then the publishing request delivers it; later, a recovery pass may take it over. */
  readonly leaseUntilMs: number;
  /** Which of the record partitions it lives in. */
  readonly shard: number;
}

/** A FIFO publish's deduplication: an earlier publish with the same id in the last five minutes wins. */
export interface PublishDeduplication {
  /** The deduplication id, qualified by group when the topic deduplicates per message group. */
  readonly key: string;
  readonly expiresMs: number;
}

export type RecordPublishResult =
  | { readonly recorded: true }
  /** An earlier publish with the same deduplication id: its message id and sequence number, and its record if any. */
  | {
      readonly recorded: false;
      readonly messageId: string;
      readonly sequenceNumber?: string;
      readonly pending?: PublishRecord;
    };

/** The service's message-signing key and certificate, PEM-encoded. */
export interface SigningMaterial {
  readonly id: string;
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** @default - this was the last page */
  readonly last?: string;
}

/** What the topic engine needs from a database. */
export interface TopicStore {
  /** Creates the topic; when the name is taken, changes nothing and returns the existing record. */
  createTopic(record: TopicRecord): Promise<TopicRecord>;
  getTopic(name: string): Promise<TopicRecord | undefined>;
  listTopics(options: { limit: number; afterName?: string }): Promise<Page<TopicRecord>>;
  /** Removes the topic and then its subscriptions; nothing when it is gone. */
  deleteTopic(topic: TopicRecord): Promise<void>;
  /** Sets attributes and tags, removes tag keys; false when the topic (this id) is gone. */
  updateTopic(
    topic: TopicRecord,
    change: { attributes?: StringMap; tags?: StringMap; removeTagKeys?: readonly string[] },
  ): Promise<boolean>;

  /** Stores a new subscription; when one with its id exists, changes nothing and returns it. */
  createSubscription(record: SubscriptionRecord): Promise<SubscriptionRecord>;
  getSubscription(topicId: string, id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(
    topicId: string,
    options: { limit: number; afterId?: string },
  ): Promise<Page<SubscriptionRecord>>;
  deleteSubscription(record: SubscriptionRecord): Promise<void>;
  /** Replaces the subscription's attributes; false when it is gone. */
  updateSubscription(record: SubscriptionRecord, attributes: StringMap): Promise<boolean>;

  /** Records a publish, atomically with its deduplication id when it has one. */
  recordPublish(record: PublishRecord, deduplication?: PublishDeduplication): Promise<RecordPublishResult>;
  /** Removes the record once every subscription holds the message. */
  finishPublish(record: PublishRecord): Promise<void>;
  /** Records whose lease ran out by `nowMs`, oldest first. */
  listAbandonedPublishes(nowMs: number, limit: number): Promise<PublishRecord[]>;
  /** Takes a record's lease until `untilMs`, if it ran out by `nowMs`; false when another holder has it. */
  leasePublish(record: PublishRecord, nowMs: number, untilMs: number): Promise<boolean>;
  /** Whether a Standard queue message with this id was ever enqueued (its content outlives its receipt). */
  wasEnqueued(messageId: string): Promise<boolean>;

  /** The signing key and certificate every instance shares, created (by `create`) on first use. */
  loadSigningMaterial(create: () => SigningMaterial): Promise<SigningMaterial>;
}

import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../engine/clock.js';
import type { MessageAttributes } from '../engine/types.js';
import { type TopicScope, topicNameOfArn } from './arns.js';
import type { EnvelopeContext } from './envelope.js';
import { messageFor } from './envelope.js';
import { invalidParameter, SnsError, snsErrorOf, topicNotFound } from './errors.js';
import type { FanOut, TopicActivity } from './fan-out.js';
import { acceptsNotification } from './filter-policy.js';
import {
  checkFifoId,
  checkMessage,
  checkMessageAttributes,
  checkSubject,
  MAX_PUBLISH_BYTES,
  parseMessageStructure,
  publishSize,
} from './publish-validation.js';
import type { SigningKeys } from './signing-keys.js';
import { isFifoTopic } from './topic-attributes.js';
import type { TopicEngine } from './topic-engine.js';
import {
  type Notification,
  PUBLISH_RECORD_SHARDS,
  type PublishRecord,
  type SubscriptionRecord,
  type TopicRecord,
  type TopicStore,
} from './types.js';

/** How long the publishing request owns its record before a recovery pass may deliver it instead. */
export const PUBLISH_LEASE_MS = 10_000;
/** SNS FIFO topics remember a deduplication id for five minutes. */
const DEDUPLICATION_INTERVAL_MS = 5 * 60_000;

/** One message to publish: Publish's parameters, or one PublishBatch entry's. */
export interface PublishEntry {
  readonly message: string;
  /** @default - none */
  readonly subject?: string;
  /** @default - a plain message */
  readonly messageStructure?: string;
  /** @default - none */
  readonly messageAttributes?: MessageAttributes;
  /** @default - none */
  readonly messageGroupId?: string;
  /** @default - none */
  readonly messageDeduplicationId?: string;
}

export interface PublishInput extends PublishEntry {
  /** One of TopicArn and TargetArn names the topic. @default - none */
  readonly topicArn?: string;
  /** @default - none */
  readonly targetArn?: string;
  /** SMS is out of scope. @default - none */
  readonly phoneNumber?: string;
}

export interface PublishResult {
  readonly messageId: string;
  /** FIFO topics only. @default - absent */
  readonly sequenceNumber?: string;
}

export interface PublisherOptions {
  readonly store: TopicStore;
  readonly topics: TopicEngine;
  readonly fanOut: FanOut;
  readonly signing: SigningKeys;
  readonly clock: Clock;
  readonly scope: TopicScope;
  /** @default - nothing is told */
  readonly activity?: TopicActivity;
  /** Where a delivery left to recovery is reported. @default console.error */
  readonly onDeferred?: (error: unknown) => void;
}

/**
 * Publish and PublishBatch. A publish is recorded (with its FIFO deduplication id, atomically) before its fan-out
 * and the record removed after it, so a publish the service acknowledged reaches every matching subscription even
 * if the process dies half way (docs/design.md, "Topics").
 */
export class Publisher {
  private sequence = 0n;

  constructor(private readonly options: PublisherOptions) {}

  async publish(input: PublishInput, serviceUrl: string): Promise<PublishResult> {
    if (input.phoneNumber !== undefined) {
      throw invalidParameter('PhoneNumber Reason: this service does not send SMS');
    }
    const arn = input.topicArn ?? input.targetArn;
    if (arn === undefined)
      throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
    checkEntry(input);
    const topic = await this.requireTopic(arn, input.topicArn === undefined ? 'TargetArn' : 'TopicArn');
    return this.publishTo(topic, input, serviceUrl);
  }

  /** Checks the topic once and each entry, then publishes the entries in order (a FIFO group's stay in order). */
  async publishEntries(
    topicArn: string,
    entries: readonly PublishEntry[],
    serviceUrl: string,
  ): Promise<(PublishResult | SnsError)[]> {
    const topic = await this.requireTopic(topicArn, 'TopicArn');
    for (const entry of entries) checkEntry(entry);
    for (const entry of entries) checkFifoRules(topic, entry);
    const results: (PublishResult | SnsError)[] = [];
    const failedGroups = new Set<string>();
    for (const entry of entries) {
      const group = entry.messageGroupId;
      if (group !== undefined && failedGroups.has(group) && isFifoTopic(topic)) {
        results.push(new SnsError('InternalError', 'An earlier entry of the same message group failed.'));
        continue;
      }
      try {
        results.push(await this.publishTo(topic, entry, serviceUrl));
      } catch (error) {
        // Entries were checked above: what fails here is storage, reported per entry so the client can resend it.
        const failure =
          snsErrorOf(error) ?? new SnsError('InternalError', 'Internal error', { cause: error });
        if (group !== undefined) failedGroups.add(group);
        results.push(failure);
      }
    }
    return results;
  }

  private async requireTopic(arn: string, member: string): Promise<TopicRecord> {
    const topic = await this.options.store.getTopic(topicNameOfArn(arn, member, this.options.scope));
    if (topic === undefined) throw topicNotFound();
    return topic;
  }

  private async publishTo(
    topic: TopicRecord,
    entry: PublishEntry,
    serviceUrl: string,
  ): Promise<PublishResult> {
    checkFifoRules(topic, entry);
    const fifo = isFifoTopic(topic);
    const nowMs = this.options.clock.nowMs();
    const notification: Notification = {
      messageId: randomUUID(),
      timestampMs: nowMs,
      message: entry.message,
      ...(entry.subject === undefined ? {} : { subject: entry.subject }),
      ...(entry.messageStructure === 'json' ? { messageStructure: 'json' as const } : {}),
      messageAttributes: entry.messageAttributes ?? {},
      ...(entry.messageGroupId === undefined ? {} : { messageGroupId: entry.messageGroupId }),
      ...(fifo
        ? {
            messageDeduplicationId:
              entry.messageDeduplicationId ??
              createHash('sha256').update(entry.message, 'utf8').digest('hex'),
            sequenceNumber: this.nextSequenceNumber(nowMs),
          }
        : {}),
      serviceUrl,
    };
    const subscriptions = await this.options.topics.allSubscriptions(topic);
    const message = messageFor(notification);
    const matching = subscriptions.filter((s) => acceptsNotification(s, notification, message));
    this.options.activity?.published?.(topic.name);
    if (matching.length < subscriptions.length) {
      this.options.activity?.filteredOut?.(topic.name, subscriptions.length - matching.length);
    }
    const record: PublishRecord = {
      topicName: topic.name,
      topicId: topic.id,
      notification,
      subscriptionIds: matching.map((s) => s.id),
      createdMs: nowMs,
      leaseUntilMs: nowMs + PUBLISH_LEASE_MS,
      shard: randomInt(PUBLISH_RECORD_SHARDS),
    };
    const result = this.toResult(notification);
    // Nothing to deliver and nothing to remember: a standard topic's publish costs no write then.
    if (matching.length === 0 && !fifo) return result;
    const recorded = await this.options.store.recordPublish(
      record,
      fifo
        ? { key: deduplicationKey(topic, notification), expiresMs: nowMs + DEDUPLICATION_INTERVAL_MS }
        : undefined,
    );
    if (!recorded.recorded) {
      // A FIFO retry of a publish whose delivery may not have finished: finish it before answering, so the
      // group's order holds.
      if (recorded.pending) await this.deliverRecord(recorded.pending, topic, subscriptions, true);
      return {
        messageId: recorded.messageId,
        ...(recorded.sequenceNumber ? { sequenceNumber: recorded.sequenceNumber } : {}),
      };
    }
    try {
      await this.deliverRecord(record, topic, matching, false);
    } catch (error) {
      // FIFO: the client retries with the same deduplication id, which finishes this publish first (above).
      if (fifo) throw error;
      // Standard: the record is durable, so the publish is acknowledged and recovery delivers the rest; a retry
      // by the client would only publish the message again.
      this.options.onDeferred?.(error);
    }
    return result;
  }

  /** Delivers a record to those of `subscriptions` it names, then removes it. */
  async deliverRecord(
    record: PublishRecord,
    topic: TopicRecord | undefined,
    subscriptions: readonly SubscriptionRecord[],
    retry: boolean,
  ): Promise<void> {
    const wanted = new Set(record.subscriptionIds);
    const targets = subscriptions.filter((s) => wanted.has(s.id));
    if (targets.length > 0) {
      await this.options.fanOut.deliver(record, targets, await this.envelopeContext(topic, record), retry);
    }
    try {
      await this.options.store.finishPublish(record);
    } catch (error) {
      // Every delivery is made; a record left behind is delivered again by recovery, which finds each one done.
      this.options.onDeferred?.(error);
    }
  }

  private async envelopeContext(
    topic: TopicRecord | undefined,
    record: PublishRecord,
  ): Promise<EnvelopeContext> {
    return {
      scope: this.options.scope,
      fifoTopic: topic ? isFifoTopic(topic) : record.topicName.endsWith('.fifo'),
      signatureVersion: topic?.attributes.SignatureVersion === '2' ? '2' : '1',
      signing: await this.options.signing.load(),
      signatures: new Map(),
    };
  }

  private toResult(notification: Notification): PublishResult {
    return {
      messageId: notification.messageId,
      ...(notification.sequenceNumber === undefined ? {} : { sequenceNumber: notification.sequenceNumber }),
    };
  }

  /** 20 digits, growing: the publish time in ms times 10^7 plus a per-process counter. */
  private nextSequenceNumber(nowMs: number): string {
    this.sequence = (this.sequence + 1n) % 10_000_000n;
    return (BigInt(nowMs) * 10_000_000n + this.sequence).toString().padStart(20, '0');
  }
}

/** Message, subject, structure, attributes, size and the FIFO ids' format: everything not about the topic. */
function checkEntry(entry: PublishEntry): void {
  checkSubject(entry.subject);
  checkMessage(entry.message);
  if (entry.messageStructure !== undefined) {
    if (entry.messageStructure !== 'json') throw invalidParameter('MessageStructure');
    parseMessageStructure(entry.message);
  }
  checkMessageAttributes(entry.messageAttributes ?? {});
  if (publishSize(entry.message, entry.messageAttributes ?? {}) > MAX_PUBLISH_BYTES) {
    throw invalidParameter('Message too long');
  }
  checkFifoId('MessageGroupId', entry.messageGroupId);
  checkFifoId('MessageDeduplicationId', entry.messageDeduplicationId);
}

function checkFifoRules(topic: TopicRecord, entry: PublishEntry): void {
  if (!isFifoTopic(topic)) {
    if (entry.messageDeduplicationId !== undefined) {
      throw invalidParameter(
        'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
      );
    }
    return;
  }
  if (entry.messageGroupId === undefined) {
    throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  }
  if (entry.messageDeduplicationId === undefined && topic.attributes.ContentBasedDeduplication !== 'true') {
    throw invalidParameter(
      'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
}

/** The deduplication id, qualified by group when the topic deduplicates per message group. */
function deduplicationKey(topic: TopicRecord, notification: Notification): string {
  const id = notification.messageDeduplicationId as string;
  return topic.attributes.FifoThroughputScope === 'MessageGroup'
    ? JSON.stringify([notification.messageGroupId, id])
    : id;
}

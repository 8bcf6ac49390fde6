import { createHash } from 'node:crypto';
import { SqsError } from '../engine/errors.js';
import { queueNameOfArn } from '../engine/redrive-policy.js';
import type { MessageAttributes, SqsEngine } from '../engine/types.js';
import type { TopicScope } from './arns.js';
import { type EnvelopeContext, type QueueMessage, queueMessageFor } from './envelope.js';
import { deadLetterQueueOf } from './subscription-attributes.js';
import type { Notification, PublishRecord, SubscriptionRecord, TopicStore } from './types.js';

/**
 * Delivers a recorded publish to its subscriptions' queues through the SQS engine, in-process. Each delivery's
 * MessageId is derived from the publish and the subscription, so a delivery tried again (after a crash, or by a
 * recovery pass) is recognised: a Standard queue message's content outlives its receipt, so its presence says the
 * delivery happened; a FIFO queue recognises the repeat by its deduplication id (five minutes).
 */

/** How many deliveries of one publish run at once. */
const DELIVERIES_IN_FLIGHT = 16;

/** SQS errors after which trying again cannot help: the message goes to the subscription's dead-letter queue. */
const RETRYABLE_CODES = new Set(['ServiceUnavailable', 'RequestThrottled', 'InternalError']);

/** What happened to one publish's deliveries. */
export interface FanOutReport {
  readonly delivered: number;
  /** Deliveries that failed for good: sent to the subscription's dead-letter queue, or dropped without one. */
  readonly failed: number;
}

/** Told what each publish did, per topic; the CDK metrics and the console listen. */
export interface TopicActivity {
  published?(topicName: string): void;
  delivered?(topicName: string, count: number): void;
  filteredOut?(topicName: string, count: number): void;
  failed?(topicName: string, count: number): void;
}

export interface FanOutOptions {
  readonly sqs: SqsEngine;
  readonly store: TopicStore;
  readonly scope: TopicScope;
  /** @default - nothing is told */
  readonly activity?: TopicActivity;
  /** Where a delivery that failed for good is reported. @default console.warn */
  readonly onDeliveryFailure?: (failure: { subscriptionId: string; code: string; message: string }) => void;
}

export class FanOut {
  constructor(private readonly options: FanOutOptions) {}

  /**
   * Delivers to every subscription given (those of the record that still exist). With `retry`, each Standard queue
   * delivery first checks whether it already happened. Throws when a delivery failed in a way worth retrying: the
   * record stays, and whoever retries delivers only what is missing.
   */
  async deliver(
    record: PublishRecord,
    subscriptions: readonly SubscriptionRecord[],
    context: EnvelopeContext,
    retry: boolean,
  ): Promise<FanOutReport> {
    let delivered = 0;
    let failed = 0;
    const queue = [...subscriptions];
    const errors: unknown[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        try {
          if (await this.deliverOne(record.notification, next, context, retry)) delivered++;
          else failed++;
        } catch (error) {
          errors.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERIES_IN_FLIGHT, queue.length) }, worker));
    if (delivered > 0) this.options.activity?.delivered?.(record.topicName, delivered);
    if (failed > 0) this.options.activity?.failed?.(record.topicName, failed);
    if (errors.length > 0) throw errors[0];
    return { delivered, failed };
  }

  /** True when the queue holds the message; false when it failed for good (dead-lettered or dropped). */
  private async deliverOne(
    notification: Notification,
    subscription: SubscriptionRecord,
    context: EnvelopeContext,
    retry: boolean,
  ): Promise<boolean> {
    const message = queueMessageFor(notification, subscription, context);
    const queueName = queueNameOfArn(
      subscription.endpoint,
      this.options.scope.accountId,
      this.options.scope.region,
    );
    const messageId = deliveryMessageId(notification.messageId, subscription.id, 'delivery');
    try {
      if (queueName === undefined)
        throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
      await this.send(queueName, messageId, message, notification, retry);
      return true;
    } catch (error) {
      if (!(error instanceof SqsError) || RETRYABLE_CODES.has(error.code)) throw error;
      this.options.onDeliveryFailure?.({
        subscriptionId: subscription.id,
        code: error.code,
        message: error.message,
      });
      await this.deadLetter(notification, subscription, message, error, retry);
      return false;
    }
  }

  private async deadLetter(
    notification: Notification,
    subscription: SubscriptionRecord,
    message: QueueMessage,
    cause: SqsError,
    retry: boolean,
  ): Promise<void> {
    const queueName = deadLetterQueueOf(subscription, this.options.scope);
    if (queueName === undefined) return;
    const attributes: Record<string, MessageAttributes[string]> = { ...(message.messageAttributes ?? {}) };
    const extra: MessageAttributes = {
      ErrorCode: { dataType: 'String', stringValue: queryCodeOf(cause.code) },
      ErrorMessage: { dataType: 'String', stringValue: cause.message },
    };
    // SQS takes at most ten attributes: the error's go in only where they fit.
    for (const [name, value] of Object.entries(extra)) {
      if (Object.keys(attributes).length < 10 && attributes[name] === undefined) attributes[name] = value;
    }
    const messageId = deliveryMessageId(notification.messageId, subscription.id, 'dead-letter');
    try {
      await this.send(
        queueName,
        messageId,
        { body: message.body, messageAttributes: attributes },
        notification,
        retry,
      );
    } catch (error) {
      if (!(error instanceof SqsError) || RETRYABLE_CODES.has(error.code)) throw error;
      // The dead-letter queue itself is gone or refuses the message: SNS drops it then.
    }
  }

  private async send(
    queueName: string,
    messageId: string,
    message: QueueMessage,
    notification: Notification,
    retry: boolean,
  ): Promise<void> {
    const fifoQueue = queueName.endsWith('.fifo');
    if (retry && !fifoQueue && (await this.options.store.wasEnqueued(messageId))) return;
    await this.options.sqs.sendMessage({
      queueName,
      messageId,
      messageBody: message.body,
      ...(message.messageAttributes && Object.keys(message.messageAttributes).length > 0
        ? { messageAttributes: message.messageAttributes }
        : {}),
      ...(notification.messageGroupId === undefined ? {} : { messageGroupId: notification.messageGroupId }),
      ...(fifoQueue && notification.messageDeduplicationId !== undefined
        ? { messageDeduplicationId: notification.messageDeduplicationId }
        : {}),
    });
  }
}

/** The MessageId of one delivery: a UUID-shaped digest of the publish, the subscription and the purpose. */
export function deliveryMessageId(publishMessageId: string, subscriptionId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${publishMessageId}|${subscriptionId}|${purpose}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The codes SQS's Query protocol gives, which SNS reports in a dead-lettered message's ErrorCode. */
function queryCodeOf(code: string): string {
  return code === 'QueueDoesNotExist' ? 'AWS.SimpleQueueService.NonExistentQueue' : code;
}

/** A subscription's queue, when it is one of this service's queues. */
export function endpointQueueName(subscription: SubscriptionRecord, scope: TopicScope): string | undefined {
  return queueNameOfArn(subscription.endpoint, scope.accountId, scope.region);
}

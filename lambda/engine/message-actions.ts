import { randomUUID } from 'node:crypto';
import type { ClaimedMessage, DeadLetterTarget, NewMessage, QueueRecord, Store } from '../storage/store.js';
import { VISIBILITY_CHANGE } from '../storage/store.js';
import type { QueueActivity } from './activity.js';
import { failedEntry, validateBatch } from './batch.js';
import type { Clock } from './clock.js';
import { invalidParameter, ReceiptHandleIsInvalid, SqsError } from './errors.js';
import { FairScheduler } from './fair-scheduler.js';
import { checkField } from './field-rules.js';
import {
  MAX_MESSAGE_BYTES,
  MAX_RECEIVE_MESSAGES,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
  MAX_WAIT_TIME_SECONDS,
  secondsToMs,
} from './limits.js';
import { ArrivalSignal } from './long-poll.js';
import { md5OfBody, md5OfMessageAttributes } from './md5.js';
import {
  deduplicationIdOf,
  messageSize,
  systemAttributesToStore,
  validateFifoBatchIds,
  validateMessage,
} from './message-validation.js';
import { deduplicationScopeIsGroup, isFifoQueue } from './queue-attributes.js';
import type { QueueDirectory } from './queue-directory.js';
import type { AnyReceipt, ReceiptHandleCodec } from './receipt-handle.js';
import { outlastedVisibility } from './receive-window.js';
import {
  selectMessageAttributes,
  systemAttributesOf,
  validateSystemAttributeNames,
} from './received-message.js';
import { deadLetterTargetOf, queueArnOf } from './redrive-policy.js';
import type {
  BatchEntry,
  BatchResult,
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchInput,
  ChangeMessageVisibilityInput,
  DeleteMessageBatchInput,
  DeleteMessageInput,
  ReceivedMessage,
  ReceiveMessageInput,
  ReceiveMessageResult,
  SendMessageBatchInput,
  SendMessageBatchResultEntry,
  SendMessageFields,
  SendMessageInput,
  SendMessageResult,
} from './types.js';

export interface MessageActionsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly directory: QueueDirectory;
  readonly receiptHandles: ReceiptHandleCodec;
  readonly accountId: string;
  readonly region: string;
  readonly pollIntervalMs: number;
  readonly activity: QueueActivity;
}
/** The message half of the engine: send, receive, delete and change visibility, single and batched. */
export abstract class MessageActions {
  protected readonly store: Store;
  protected readonly clock: Clock;
  protected readonly directory: QueueDirectory;
  private readonly receiptHandles: ReceiptHandleCodec;
  private readonly arrivals = new ArrivalSignal();
  private readonly senderId: string;
  readonly region: string;
  private readonly pollIntervalMs: number;
  private readonly fairScheduler: FairScheduler;
  private readonly activity: QueueActivity;

  constructor(options: MessageActionsOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.directory = options.directory;
    this.receiptHandles = options.receiptHandles;
    this.senderId = options.accountId;
    this.region = options.region;
    this.pollIntervalMs = options.pollIntervalMs;
    this.fairScheduler = new FairScheduler({ clock: options.clock });
    this.activity = options.activity;
  }

  async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
    const queue = await this.directory.get(input.queueName);
    validateMessage(input, queue.attributes);
    const [result] = await this.enqueue(queue, [input]);
    return result as SendMessageResult;
  }

  async sendMessageBatch(input: SendMessageBatchInput): Promise<BatchResult<SendMessageBatchResultEntry>> {
    const queue = await this.directory.get(input.queueName);
    validateBatch(input.entries, 'SendMessageBatchRequestEntry');
    // The whole request is refused when its entries add up to more than SQS takes, valid or not.
    const totalBytes = input.entries.reduce((sum, entry) => sum + messageSize(entry), 0);
    if (totalBytes > MAX_MESSAGE_BYTES) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${totalBytes} bytes.`,
      );
    }
    // A FIFO batch missing a group or deduplication id fails as a whole, as SQS does.
    validateFifoBatchIds(input.entries, queue.attributes);
    const valid: (SendMessageFields & BatchEntry)[] = [];
    const failed: BatchResultErrorEntry[] = [];
    for (const entry of input.entries) {
      try {
        validateMessage(entry, queue.attributes);
        valid.push(entry);
      } catch (error) {
        failed.push(failedEntry(entry.id, error));
      }
    }
    const sent = valid.length ? await this.enqueue(queue, valid) : [];
    return { successful: sent.map((result, i) => ({ ...result, id: (valid[i] as BatchEntry).id })), failed };
  }

  async receiveMessage(input: ReceiveMessageInput): Promise<ReceiveMessageResult> {
    let queue = await this.directory.get(input.queueName);
    const maxMessages =
      optionalInteger('MaxNumberOfMessages', input.maxNumberOfMessages, 1, MAX_RECEIVE_MESSAGES) ?? 1;
    const visibilityTimeout =
      optionalInteger('VisibilityTimeout', input.visibilityTimeout, 0, MAX_VISIBILITY_TIMEOUT_SECONDS) ??
      numberAttribute(queue, 'VisibilityTimeout');
    const waitTimeSeconds =
      optionalInteger('WaitTimeSeconds', input.waitTimeSeconds, 0, MAX_WAIT_TIME_SECONDS) ??
      numberAttribute(queue, 'ReceiveMessageWaitTimeSeconds');
    const systemNames = validateSystemAttributeNames(input.messageSystemAttributeNames ?? []);
    const attemptId = isFifoQueue(queue.attributes)
      ? receiveAttemptId(input.receiveRequestAttemptId)
      : undefined;
    const deadlineMs = this.clock.nowMs() + secondsToMs(waitTimeSeconds);
    const visibilityTimeoutMs = secondsToMs(visibilityTimeout);
    let movedToDeadLetter = 0;
    const onMovedToDeadLetter = () => {
      movedToDeadLetter++;
    };
    try {
      for (;;) {
        const deadLetter = await this.deadLetterTargetOf(queue);
        const nowMs = this.clock.nowMs();
        const all = await this.store.receiveMessages({
          queue,
          maxMessages,
          visibilityTimeoutMs,
          nowMs,
          retentionMs: this.retentionMs(queue),
          ...(attemptId !== undefined ? { attemptId } : {}),
          ...(deadLetter !== undefined ? { deadLetter, onMovedToDeadLetter } : {}),
        });
        // Claims that outlasted their visibility timeout may be someone else's already: not handed out.
        const answeredMs = this.clock.nowMs();
        const claimed = all.filter(
          (m) => !outlastedVisibility(m.visibleUntilMs, answeredMs, visibilityTimeoutMs),
        );
        if (claimed.length > 0) {
          this.activity.messagesReceived(queue.name, claimed.length);
          return {
            messages: claimed.map((m) => this.toReceived(m, systemNames, input.messageAttributeNames ?? [])),
          };
        }
        const leftMs = deadlineMs - this.clock.nowMs();
        if (leftMs <= 0 || input.signal?.aborted) {
          this.activity.messagesReceived(queue.name, 0);
          return { messages: [] };
        }
        await this.arrivals.wait(queue.id, Math.min(leftMs, this.pollIntervalMs), input.signal);
        // A purge or a change of attributes during a long poll applies to its next read.
        queue = await this.directory.get(input.queueName);
      }
    } finally {
      // Moves are reported even when the receive then fails: they happened.
      if (movedToDeadLetter > 0) this.activity.messagesMovedToDeadLetterQueue(queue.name, movedToDeadLetter);
    }
  }

  async deleteMessage(input: DeleteMessageInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    const [outcome] = await this.store.deleteMessages(
      [this.decodeReceipt(queue, input.receiptHandle)],
      this.clock.nowMs(),
    );
    if (outcome === 'expired') throw receiptExpired(input.receiptHandle);
    this.activity.messagesDeleted(queue.name, 1);
  }

  async deleteMessageBatch(input: DeleteMessageBatchInput): Promise<BatchResult<BatchEntry>> {
    const queue = await this.directory.get(input.queueName);
    validateBatch(input.entries, 'DeleteMessageBatchRequestEntry');
    const decoded: { entry: (typeof input.entries)[number]; receipt: AnyReceipt }[] = [];
    const successful: BatchEntry[] = [];
    const failed: BatchResultErrorEntry[] = [];
    for (const entry of input.entries) {
      try {
        decoded.push({ entry, receipt: this.decodeReceipt(queue, entry.receiptHandle) });
      } catch (error) {
        failed.push(failedEntry(entry.id, error));
      }
    }
    const outcomes = decoded.length
      ? await this.store.deleteMessages(
          decoded.map((d) => d.receipt),
          this.clock.nowMs(),
        )
      : [];
    decoded.forEach(({ entry }, i) => {
      if (outcomes[i] === 'expired') failed.push(failedEntry(entry.id, receiptExpired(entry.receiptHandle)));
      else successful.push({ id: entry.id });
    });
    if (successful.length > 0) this.activity.messagesDeleted(queue.name, successful.length);
    return { successful, failed };
  }

  async changeMessageVisibility(input: ChangeMessageVisibilityInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    await this.changeVisibility(queue, input.receiptHandle, input.visibilityTimeout);
  }

  async changeMessageVisibilityBatch(
    input: ChangeMessageVisibilityBatchInput,
  ): Promise<BatchResult<BatchEntry>> {
    const queue = await this.directory.get(input.queueName);
    validateBatch(input.entries, 'ChangeMessageVisibilityBatchRequestEntry');
    const results = await Promise.all(
      input.entries.map(async (entry) => {
        try {
          await this.changeVisibility(queue, entry.receiptHandle, entry.visibilityTimeout);
          return { ok: { id: entry.id } };
        } catch (error) {
          return { failed: failedEntry(entry.id, error) };
        }
      }),
    );
    return {
      successful: results.flatMap((r) => (r.ok ? [r.ok] : [])),
      failed: results.flatMap((r) => (r.failed ? [r.failed] : [])),
    };
  }

  /**
   * Where the queue's messages go after `maxReceiveCount` receives; undefined without a redrive policy, or
   * while its dead-letter queue does not exist (then messages stay in the source, as nothing can take them).
   */
  private async deadLetterTargetOf(queue: QueueRecord): Promise<DeadLetterTarget | undefined> {
    const target = deadLetterTargetOf(queue.attributes);
    if (!target) return undefined;
    const deadLetterQueue = await this.directory.find(target.queueName);
    if (!deadLetterQueue) return undefined;
    return {
      queue: deadLetterQueue,
      maxReceiveCount: target.maxReceiveCount,
      sourceArn: queueArnOf(queue.name, this.senderId, this.region),
    };
  }

  protected retentionMs(queue: QueueRecord): number {
    return secondsToMs(numberAttribute(queue, 'MessageRetentionPeriod'));
  }

  private async enqueue(
    queue: QueueRecord,
    messages: readonly SendMessageFields[],
  ): Promise<SendMessageResult[]> {
    const nowMs = this.clock.nowMs();
    const queueDelay = numberAttribute(queue, 'DelaySeconds');
    const fifo = isFifoQueue(queue.attributes);
    const stored = messages.map((message): NewMessage => {
      const deduplicationId = fifo ? deduplicationIdOf(message, queue.attributes) : undefined;
      return {
        messageId: message.messageId ?? randomUUID(),
        sentMs: nowMs,
        // FIFO messages accept only DelaySeconds=0, which leaves the queue's delay in force.
        visibleAtMs: nowMs + secondsToMs(fifo ? queueDelay : (message.delaySeconds ?? queueDelay)),
        content: {
          body: message.messageBody,
          messageAttributes: message.messageAttributes ?? {},
          messageSystemAttributes: systemAttributesToStore(message),
          senderId: this.senderId,
          ...(message.messageGroupId !== undefined ? { groupId: message.messageGroupId } : {}),
          ...(deduplicationId !== undefined ? { deduplicationId } : {}),
        },
        ...(deduplicationId !== undefined
          ? { deduplicationKey: deduplicationKey(queue, message.messageGroupId ?? '', deduplicationId) }
          : {}),
        // Fair queues: a noisy tenant's messages wait in a lane read after the others (docs/design.md).
        ...(fifo ? {} : { lane: this.fairScheduler.laneFor(queue.id, message.messageGroupId) }),
      };
    });
    const sent = await this.store.putMessages(queue, stored);
    if (stored.some((m) => m.visibleAtMs <= nowMs)) this.arrivals.notify(queue.id);
    // A FIFO duplicate answers with the original's MessageId: only messages stored under their own id were added.
    const added = stored.flatMap((each, i) =>
      sent[i]?.messageId === each.messageId ? [{ message: messages[i] as SendMessageFields, each }] : [],
    );
    if (added.length > 0) {
      this.activity.messagesSent(
        queue.name,
        added.map(({ message }) => messageSize(message)),
        added.map(({ each }) => each.visibleAtMs),
      );
    }
    return stored.map(({ content }, i) => ({
      messageId: (sent[i] as (typeof sent)[number]).messageId,
      md5OfMessageBody: md5OfBody(content.body),
      ...optional('md5OfMessageAttributes', md5OfMessageAttributes(content.messageAttributes)),
      // The digest covers what the client sent, so an SDK checking it never sees the header's attribute in it.
      ...optional(
        'md5OfMessageSystemAttributes',
        md5OfMessageAttributes((messages[i] as SendMessageFields).messageSystemAttributes ?? {}),
      ),
      ...optional('sequenceNumber', sent[i]?.sequenceNumber),
    }));
  }

  private async changeVisibility(
    queue: QueueRecord,
    receiptHandle: string,
    visibilityTimeout: number,
  ): Promise<void> {
    const receipt = this.decodeReceipt(queue, receiptHandle);
    const seconds =
      optionalInteger('VisibilityTimeout', visibilityTimeout, 0, MAX_VISIBILITY_TIMEOUT_SECONDS) ?? 0;
    const nowMs = this.clock.nowMs();
    const visibleAtMs = nowMs + secondsToMs(seconds);
    if (visibleAtMs > receipt.receivedAtMs + secondsToMs(MAX_VISIBILITY_TIMEOUT_SECONDS)) {
      throw invalidParameter(
        'VisibilityTimeout',
        seconds,
        `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds]`,
      );
    }
    const outcome = await this.store.changeVisibility(receipt, visibleAtMs, nowMs);
    if (outcome === VISIBILITY_CHANGE.notInflight) {
      throw new SqsError(
        'MessageNotInflight',
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (outcome === VISIBILITY_CHANGE.receiptExpired) throw receiptExpired(receiptHandle);
    if (visibleAtMs <= nowMs) this.arrivals.notify(queue.id);
  }

  /** The receipt a handle names, if this service issued it for this queue. */
  private decodeReceipt(queue: QueueRecord, receiptHandle: string): AnyReceipt {
    if (typeof receiptHandle !== 'string' || receiptHandle.length === 0) {
      throw new SqsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    }
    checkField('receiptHandle', 'ReceiptHandle', receiptHandle);
    const receipt = this.receiptHandles.decode(receiptHandle);
    if (!receipt || receipt.queueId !== queue.id) throw new ReceiptHandleIsInvalid(receiptHandle);
    return receipt;
  }

  private toReceived(
    message: ClaimedMessage<AnyReceipt>,
    systemNames: ReadonlySet<string>,
    messageAttributeNames: readonly string[],
  ): ReceivedMessage {
    const messageAttributes = selectMessageAttributes(
      message.content.messageAttributes,
      messageAttributeNames,
    );
    return {
      messageId: message.messageId,
      receiptHandle: this.receiptHandles.encode(message.receipt),
      md5OfBody: md5OfBody(message.content.body),
      body: message.content.body,
      attributes: systemAttributesOf(message, systemNames),
      ...optional('md5OfMessageAttributes', md5OfMessageAttributes(messageAttributes)),
      messageAttributes,
    };
  }
}

function receiptExpired(receiptHandle: string): SqsError {
  return invalidParameter('ReceiptHandle', receiptHandle, 'The receipt handle has expired.');
}

/** A FIFO deduplication id, qualified by its group when the queue deduplicates per group. */
function deduplicationKey(queue: QueueRecord, groupId: string, deduplicationId: string): string {
  return deduplicationScopeIsGroup(queue.attributes)
    ? `g${groupId.length}:${groupId}:${deduplicationId}`
    : `q:${deduplicationId}`;
}

function receiveAttemptId(attemptId: string | undefined): string | undefined {
  return attemptId === undefined ? undefined : checkField('fifoId', 'ReceiveRequestAttemptId', attemptId);
}

function numberAttribute(queue: QueueRecord, name: string): number {
  return Number(queue.attributes[name]);
}

function optionalInteger(
  parameter: string,
  value: number | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(parameter, value, `Must be between ${min} and ${max}, if provided.`);
  }
  return value;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

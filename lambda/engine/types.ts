/**
 * The engine's vocabulary: inputs and results of every SQS action, in SQS's own words but camelCase,
 * free of any wire format. Protocol adapters translate requests into these and results out of them.
 */

/** A message attribute as SQS defines it: `String`, `Number` or `Binary`, optionally with a `.label` suffix. */
export interface MessageAttributeValue {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

/** Queue attributes and tags travel as strings, as on the wire. */
export type StringMap = Readonly<Record<string, string>>;

export interface CreateQueueInput {
  readonly queueName: string;
  /** @default - SQS's defaults for every attribute */
  readonly attributes?: StringMap;
  /** @default - no tags */
  readonly tags?: StringMap;
}

export interface GetQueueUrlInput {
  readonly queueName: string;
  /** @default - the service's own account */
  readonly queueOwnerAwsAccountId?: string;
}

export interface ListQueuesInput {
  /** @default - every queue */
  readonly queueNamePrefix?: string;
  /** 1 to 1,000. @default - up to 1,000 queues and no NextToken */
  readonly maxResults?: number;
  /** @default - from the first queue */
  readonly nextToken?: string;
}

export interface ListQueuesResult {
  readonly queueNames: readonly string[];
  readonly nextToken?: string;
}

export interface ListDeadLetterSourceQueuesInput {
  /** The dead-letter queue. */
  readonly queueName: string;
  /** 1 to 1,000. @default - up to 1,000 queues and no NextToken */
  readonly maxResults?: number;
  /** @default - from the first source queue */
  readonly nextToken?: string;
}

export interface QueueInput {
  readonly queueName: string;
}

export interface GetQueueAttributesInput extends QueueInput {
  /** @default - no attributes are returned */
  readonly attributeNames?: readonly string[];
}

export interface SetQueueAttributesInput extends QueueInput {
  readonly attributes: StringMap;
}

export interface TagQueueInput extends QueueInput {
  readonly tags: StringMap;
}

export interface UntagQueueInput extends QueueInput {
  readonly tagKeys: readonly string[];
}

export interface SendMessageFields {
  readonly messageBody: string;
  /**
   * In-process callers only (a topic's fan-out): the MessageId to store the message under, derived from the publish
   * and the subscription, so a retried delivery can be recognised. No wire decoder sets it.
   * @default - a new random UUID
   */
  readonly messageId?: string;
  /** @default - the queue's DelaySeconds */
  readonly delaySeconds?: number;
  /** @default - no attributes */
  readonly messageAttributes?: MessageAttributes;
  /** Only `AWSTraceHeader` is allowed. @default - none */
  readonly messageSystemAttributes?: MessageAttributes;
  /** FIFO only. @default - none */
  readonly messageDeduplicationId?: string;
  /** FIFO, or a fair-queue tenant on a Standard queue. @default - none */
  readonly messageGroupId?: string;
  /**
   * The request's `X-Amzn-Trace-Id` header: stored as the `AWSTraceHeader` system attribute unless
   * `messageSystemAttributes` sets one, which wins (X-Ray developer guide, "Amazon SQS and AWS X-Ray").
   * @default - no header; only `messageSystemAttributes` can set AWSTraceHeader
   */
  readonly traceHeader?: string;
}

export interface SendMessageInput extends QueueInput, SendMessageFields {}

export interface SendMessageResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  /** @default - absent when the message has no attributes */
  readonly md5OfMessageAttributes?: string;
  /** @default - absent when the message has no system attributes */
  readonly md5OfMessageSystemAttributes?: string;
  /** FIFO only. @default - absent */
  readonly sequenceNumber?: string;
}

/** A batch entry names itself with an `id` the caller chose; results and failures repeat it. */
export interface BatchEntry {
  readonly id: string;
}

export interface BatchResultErrorEntry {
  readonly id: string;
  readonly senderFault: boolean;
  readonly code: string;
  readonly message: string;
}

export interface BatchResult<T extends BatchEntry> {
  readonly successful: readonly T[];
  readonly failed: readonly BatchResultErrorEntry[];
}

export interface SendMessageBatchInput extends QueueInput {
  readonly entries: readonly (SendMessageFields & BatchEntry)[];
}

export type SendMessageBatchResultEntry = SendMessageResult & BatchEntry;

export interface ReceiveMessageInput extends QueueInput {
  /** 1 to 10. @default 1 */
  readonly maxNumberOfMessages?: number;
  /** 0 to 43,200 seconds. @default - the queue's VisibilityTimeout */
  readonly visibilityTimeout?: number;
  /** 0 to 20 seconds. @default - the queue's ReceiveMessageWaitTimeSeconds */
  readonly waitTimeSeconds?: number;
  /**
   * System attributes to return (`All`, `SentTimestamp`, ...); the union of `MessageSystemAttributeNames`
   * and the older `AttributeNames`. @default - none
   */
  readonly messageSystemAttributeNames?: readonly string[];
  /** `All`, `.*`, exact names or `prefix.*`. @default - none */
  readonly messageAttributeNames?: readonly string[];
  /** FIFO only. @default - none */
  readonly receiveRequestAttemptId?: string;
  /** Ends a long poll early (client gone, Lambda time running out). @default - waits the full time */
  readonly signal?: AbortSignal;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly md5OfBody: string;
  readonly body: string;
  /** The requested system attributes, as SQS's strings (`SentTimestamp` in epoch ms, ...). */
  readonly attributes: StringMap;
  /** @default - absent when no message attribute was selected */
  readonly md5OfMessageAttributes?: string;
  /** Only the selected message attributes. */
  readonly messageAttributes: MessageAttributes;
}

export interface ReceiveMessageResult {
  readonly messages: readonly ReceivedMessage[];
}

export interface DeleteMessageInput extends QueueInput {
  readonly receiptHandle: string;
}

export interface DeleteMessageBatchInput extends QueueInput {
  readonly entries: readonly ({ readonly receiptHandle: string } & BatchEntry)[];
}

export interface ChangeMessageVisibilityInput extends QueueInput {
  readonly receiptHandle: string;
  readonly visibilityTimeout: number;
}

export interface ChangeMessageVisibilityBatchInput extends QueueInput {
  readonly entries: readonly ({
    readonly receiptHandle: string;
    readonly visibilityTimeout: number;
  } & BatchEntry)[];
}

/** The states of a message move task, as ListMessageMoveTasks reports them. */
export const MOVE_TASK_STATUSES = ['RUNNING', 'COMPLETED', 'CANCELLING', 'CANCELLED', 'FAILED'] as const;

export type MoveTaskStatus = (typeof MOVE_TASK_STATUSES)[number];

export interface StartMessageMoveTaskInput {
  /** The dead-letter queue whose messages move. */
  readonly sourceArn: string;
  /** @default - each message goes back to the queue it was moved to the dead-letter queue from */
  readonly destinationArn?: string;
  /** 1 to 500. @default - as fast as the service safely can */
  readonly maxNumberOfMessagesPerSecond?: number;
}

export interface ListMessageMoveTasksInput {
  readonly sourceArn: string;
  /** 1 to 10. @default 1 */
  readonly maxResults?: number;
}

/** One task as ListMessageMoveTasks reports it. */
export interface MessageMoveTask {
  /** Only while the task is RUNNING. @default - absent */
  readonly taskHandle?: string;
  readonly status: MoveTaskStatus;
  readonly sourceArn: string;
  /** @default - absent when the task moves messages back to their sources */
  readonly destinationArn?: string;
  /** @default - absent when the task was started without a rate */
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly approximateNumberOfMessagesMoved: number;
  /** The dead-letter queue's depth when the task started. */
  readonly approximateNumberOfMessagesToMove: number;
  /** Only for a FAILED task. @default - absent */
  readonly failureReason?: string;
  /** Epoch milliseconds. */
  readonly startedTimestamp: number;
}

export interface CancelMessageMoveTaskInput {
  readonly taskHandle: string;
}

/** What the engine offers; the protocol layer calls nothing else. */
export interface SqsEngine {
  readonly accountId: string;
  readonly region: string;
  createQueue(input: CreateQueueInput): Promise<{ queueName: string }>;
  getQueueUrl(input: GetQueueUrlInput): Promise<{ queueName: string }>;
  listQueues(input: ListQueuesInput): Promise<ListQueuesResult>;
  deleteQueue(input: QueueInput): Promise<void>;
  getQueueAttributes(input: GetQueueAttributesInput): Promise<StringMap>;
  setQueueAttributes(input: SetQueueAttributesInput): Promise<void>;
  purgeQueue(input: QueueInput): Promise<void>;
  tagQueue(input: TagQueueInput): Promise<void>;
  untagQueue(input: UntagQueueInput): Promise<void>;
  listQueueTags(input: QueueInput): Promise<StringMap>;
  /** The queues whose RedrivePolicy names this queue as their dead-letter queue. */
  listDeadLetterSourceQueues(input: ListDeadLetterSourceQueuesInput): Promise<ListQueuesResult>;
  sendMessage(input: SendMessageInput): Promise<SendMessageResult>;
  sendMessageBatch(input: SendMessageBatchInput): Promise<BatchResult<SendMessageBatchResultEntry>>;
  receiveMessage(input: ReceiveMessageInput): Promise<ReceiveMessageResult>;
  deleteMessage(input: DeleteMessageInput): Promise<void>;
  deleteMessageBatch(input: DeleteMessageBatchInput): Promise<BatchResult<BatchEntry>>;
  changeMessageVisibility(input: ChangeMessageVisibilityInput): Promise<void>;
  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput): Promise<BatchResult<BatchEntry>>;
  startMessageMoveTask(input: StartMessageMoveTaskInput): Promise<{ taskHandle: string }>;
  listMessageMoveTasks(input: ListMessageMoveTasksInput): Promise<{ results: readonly MessageMoveTask[] }>;
  cancelMessageMoveTask(
    input: CancelMessageMoveTaskInput,
  ): Promise<{ approximateNumberOfMessagesMoved: number }>;
}

/**
 * One protocol-neutral view of SQS for tests: the same calls over the AWS SDK (JSON) or the Query
 * client (XML), with results in one shape so a scenario can run over both protocols.
 */

/** The two wire protocols a real SQS client may speak. */
export const PROTOCOLS = ['json', 'query'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** A message attribute, as sent and as received. */
export interface MessageAttributeInput {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

export type MessageAttributeMap = Readonly<Record<string, MessageAttributeInput>>;

export interface SendOptions {
  readonly delaySeconds?: number;
  readonly messageAttributes?: MessageAttributeMap;
  readonly messageSystemAttributes?: MessageAttributeMap;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

export interface SendResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly md5OfMessageSystemAttributes?: string;
  readonly sequenceNumber?: string;
}

export interface SendBatchEntry extends SendOptions {
  readonly id: string;
  readonly body: string;
}

export interface BatchFailure {
  readonly id: string;
  readonly senderFault: boolean;
  readonly code: string;
  readonly message: string;
}

export interface BatchResult<T> {
  readonly successful: T[];
  readonly failed: BatchFailure[];
}

export interface ReceiveOptions {
  readonly maxNumberOfMessages?: number;
  readonly visibilityTimeout?: number;
  readonly waitTimeSeconds?: number;
  readonly messageSystemAttributeNames?: readonly string[];
  /** The older parameter that MessageSystemAttributeNames replaced; still sent by older clients. */
  readonly attributeNames?: readonly string[];
  readonly messageAttributeNames?: readonly string[];
  readonly receiveRequestAttemptId?: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  /** System attributes (SentTimestamp, ...), as strings. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: MessageAttributeMap;
}

export interface ListQueuesOptions {
  readonly queueNamePrefix?: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ListQueuesResult {
  readonly queueUrls: string[];
  readonly nextToken?: string;
}

/** StartMessageMoveTask's optional parameters. */
export interface StartMessageMoveTaskOptions {
  /** @default - each message goes back to the queue it was moved to the dead-letter queue from */
  readonly destinationArn?: string;
  /** @default - as fast as SQS finds safe */
  readonly maxNumberOfMessagesPerSecond?: number;
}

/** One entry of ListMessageMoveTasks, as a client sees it. */
export interface MessageMoveTask {
  /** Only while the task is RUNNING. */
  readonly taskHandle?: string;
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED. */
  readonly status: string;
  readonly sourceArn: string;
  /** Absent when the task moves messages back to their original source queues. */
  readonly destinationArn?: string;
  /** Absent when the task was started without a rate. */
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly approximateNumberOfMessagesMoved: number;
  readonly approximateNumberOfMessagesToMove?: number;
  readonly failureReason?: string;
  /** Epoch milliseconds. */
  readonly startedTimestamp: number;
}

/** Every action a test drives, with the queue given by URL. */
export interface SqsApi {
  readonly protocol: Protocol;
  createQueue(
    queueName: string,
    attributes?: Readonly<Record<string, string>>,
    tags?: Readonly<Record<string, string>>,
  ): Promise<string>;
  getQueueUrl(queueName: string, queueOwnerAwsAccountId?: string): Promise<string>;
  listQueues(options?: ListQueuesOptions): Promise<ListQueuesResult>;
  deleteQueue(queueUrl: string): Promise<void>;
  getQueueAttributes(queueUrl: string, attributeNames?: readonly string[]): Promise<Record<string, string>>;
  setQueueAttributes(queueUrl: string, attributes: Readonly<Record<string, string>>): Promise<void>;
  purgeQueue(queueUrl: string): Promise<void>;
  tagQueue(queueUrl: string, tags: Readonly<Record<string, string>>): Promise<void>;
  untagQueue(queueUrl: string, tagKeys: readonly string[]): Promise<void>;
  listQueueTags(queueUrl: string): Promise<Record<string, string>>;
  sendMessage(queueUrl: string, body: string, options?: SendOptions): Promise<SendResult>;
  sendMessageBatch(
    queueUrl: string,
    entries: readonly SendBatchEntry[],
  ): Promise<BatchResult<SendResult & { id: string }>>;
  receiveMessage(queueUrl: string, options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  deleteMessage(queueUrl: string, receiptHandle: string): Promise<void>;
  deleteMessageBatch(
    queueUrl: string,
    entries: readonly { id: string; receiptHandle: string }[],
  ): Promise<BatchResult<{ id: string }>>;
  changeMessageVisibility(queueUrl: string, receiptHandle: string, visibilityTimeout: number): Promise<void>;
  changeMessageVisibilityBatch(
    queueUrl: string,
    entries: readonly { id: string; receiptHandle: string; visibilityTimeout: number }[],
  ): Promise<BatchResult<{ id: string }>>;
  /** Starts moving messages out of the dead-letter queue `sourceArn`; returns the TaskHandle. */
  startMessageMoveTask(sourceArn: string, options?: StartMessageMoveTaskOptions): Promise<string>;
  /** The most recent move tasks of `sourceArn`, newest first. */
  listMessageMoveTasks(sourceArn: string, maxResults?: number): Promise<MessageMoveTask[]>;
  /** Cancels a running task; returns ApproximateNumberOfMessagesMoved. */
  cancelMessageMoveTask(taskHandle: string): Promise<number>;
}

/** An SQS error as a client observed it, whichever protocol carried it. */
export class SqsClientError extends Error {
  constructor(
    readonly protocol: Protocol,
    /** HTTP status of the response. */
    readonly status: number,
    /** JSON: the SDK's error name (the shape, e.g. `QueueDoesNotExist`); Query: `<Code>`. */
    readonly code: string,
    /**
     * The legacy code: Query's `<Code>`, or the `x-amzn-query-error` header in JSON (as the SDK's
     * `Code`). `undefined` when a JSON response lacked that header.
     */
    readonly queryCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SqsClientError';
  }
}

/** Every SQS limit and default the engine enforces, in one table. Sources: SQS API reference, quotas pages. */

export const MAX_QUEUE_NAME_LENGTH = 80;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_ENTRY_ID_LENGTH = 80;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_MESSAGE_ATTRIBUTE_NAME_LENGTH = 256;
export const MAX_MESSAGE_ATTRIBUTE_TYPE_LENGTH = 256;
/** SendMessageBatch: the sum of all entries, and SendMessage: one message, at most 1 MiB. */
export const MAX_MESSAGE_BYTES = 1_048_576;
export const MAX_RECEIVE_MESSAGES = 10;
export const MAX_WAIT_TIME_SECONDS = 20;
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
export const MAX_DELAY_SECONDS = 900;
/** MessageGroupId and MessageDeduplicationId: 1 to 128 characters. */
export const MAX_FIFO_ID_LENGTH = 128;
/** A FIFO queue drops a message whose deduplication id it accepted within the last 5 minutes. */
export const DEDUPLICATION_INTERVAL_MS = 5 * 60_000;
export const MAX_LIST_QUEUES_RESULTS = 1_000;
/** RedrivePolicy: a message moves to the dead-letter queue after 1 to 1,000 receives. */
export const MAX_RECEIVE_COUNT = 1_000;
/** RedriveAllowPolicy `byQueue`: at most 10 source queue ARNs. */
export const MAX_REDRIVE_SOURCE_QUEUE_ARNS = 10;
export const MAX_TAGS_PER_QUEUE = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** One PurgeQueue per queue per 60 seconds. */
export const PURGE_INTERVAL_MS = 60_000;
/** Longest a message can be kept: 14 days. Storage keeps items at most this long after their send. */
export const MAX_RETENTION_SECONDS = 1_209_600;

/** StartMessageMoveTask: MaxNumberOfMessagesPerSecond is 1 to 500. */
export const MAX_MOVE_TASK_MESSAGES_PER_SECOND = 500;
/** ListMessageMoveTasks: MaxResults is 1 to 10 (default 1). */
export const MAX_LIST_MOVE_TASKS_RESULTS = 10;

/** A numeric queue attribute: its range and default, as SQS documents them. */
export interface NumericAttributeRule {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export const NUMERIC_QUEUE_ATTRIBUTES = {
  DelaySeconds: { min: 0, max: MAX_DELAY_SECONDS, default: 0 },
  MaximumMessageSize: { min: 1_024, max: MAX_MESSAGE_BYTES, default: MAX_MESSAGE_BYTES },
  MessageRetentionPeriod: { min: 60, max: MAX_RETENTION_SECONDS, default: 345_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: MAX_WAIT_TIME_SECONDS, default: 0 },
  VisibilityTimeout: { min: 0, max: MAX_VISIBILITY_TIMEOUT_SECONDS, default: 30 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400, default: 300 },
} as const satisfies Record<string, NumericAttributeRule>;

export type NumericQueueAttribute = keyof typeof NUMERIC_QUEUE_ATTRIBUTES;

export function secondsToMs(seconds: number): number {
  return seconds * 1000;
}

export function msToSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

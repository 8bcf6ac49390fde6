/** The console API's answers, as docs/console-api.md describes them. */

export interface Session {
  readonly accountId: string;
  readonly region: string;
  readonly auth: boolean;
  readonly accessKeyId?: string;
  readonly keyName?: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
}

export type QueueType = 'standard' | 'fifo';

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly measuredMs: number;
}

export interface DeadLetterTarget {
  readonly name: string;
  readonly arn: string;
  readonly maxReceiveCount: number;
  readonly exists: boolean;
}

export interface MoveTask {
  readonly status: string;
  readonly taskHandle?: string;
  readonly sourceArn?: string;
  readonly destinationArn?: string;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly moved: number;
  readonly toMove: number;
  readonly startedMs: number;
  readonly failureReason?: string;
}

export interface QueueSummary {
  readonly name: string;
  readonly type: QueueType;
  readonly url: string;
  readonly arn: string;
  readonly counts?: QueueCounts;
  readonly oldestAgeSeconds?: number;
  readonly deadLetter?: DeadLetterTarget;
  readonly deadLetterSources: readonly string[];
  readonly moveTask?: MoveTask;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

export interface QueueList {
  readonly queues: readonly QueueSummary[];
  readonly total: number;
  readonly nextCursor?: string;
}

export interface QueueDetail extends QueueSummary {
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly moveTasks: readonly MoveTask[];
}

export type MessageState = 'visible' | 'inFlight' | 'delayed';

export interface MessageAttributeValue {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

export interface PeekedMessage {
  readonly messageId: string;
  readonly state: MessageState;
  readonly visibleAtMs?: number;
  readonly receiveCount: number;
  readonly sentMs: number;
  readonly firstReceiveMs?: number;
  readonly groupId?: string;
  readonly sequenceNumber?: string;
  readonly deduplicationId?: string;
  readonly deadLetterSourceArn?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly body: string;
  readonly bodySize: number;
  readonly bodyTruncated: boolean;
  readonly locator: string;
}

export interface PeekPage {
  readonly messages: readonly PeekedMessage[];
  readonly scanned: number;
  readonly nextCursor?: string;
}

export interface MessageGroup {
  readonly groupId: string;
  readonly messages: number;
  readonly inFlight: number;
  readonly receivable: boolean;
}

export interface GroupPage {
  readonly groups: readonly MessageGroup[];
  readonly nextCursor?: string;
}

export interface HistorySample {
  readonly atMs: number;
  readonly sent: number;
  readonly received: number;
  readonly deleted: number;
  /** Depth fields are absent for a minute whose depth was not measured (the queue was new, say). */
  readonly visible?: number;
  readonly inFlight?: number;
  readonly delayed?: number;
}

export interface History {
  readonly intervalSeconds: number;
  readonly samples: readonly HistorySample[];
}

export interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Record<string, MessageAttributeValue>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

export interface SendResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  readonly sequenceNumber?: string;
}

export interface CreateQueueInput {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly deadLetter?: { readonly name: string; readonly maxReceiveCount: number };
}

export interface TopicSummary {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly displayName: string;
  readonly subscriptionCount: number;
  readonly createdMs: number;
}

export interface TopicSubscription {
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The subscribed queue, when the endpoint is one of this service's queues. */
  readonly queueName?: string;
  readonly rawMessageDelivery: boolean;
  /** Pretty-printed JSON. */
  readonly filterPolicy?: string;
  readonly filterPolicyScope?: string;
  readonly redrivePolicy?: string;
  readonly deadLetterTargetArn?: string;
  readonly deadLetterQueueName?: string;
  readonly createdMs: number;
}

export interface TopicDetail extends TopicSummary {
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly subscriptions: readonly TopicSubscription[];
}

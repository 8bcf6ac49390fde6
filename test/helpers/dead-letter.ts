/**
 * Helpers for dead-letter queue and message move task tests: a source queue with its dead-letter queue,
 * a way to make messages exceed their maxReceiveCount, and waits on move tasks. They encode what SQS
 * documents, never how the product stores messages or tasks.
 */

import { pollFor } from './poll.js';
import type { MessageMoveTask, ReceivedMessage } from './sqs-api.js';
import { createTestQueue, type Protocol, type TestQueue } from './test-queue.js';

/** The RedrivePolicy value SQS documents: the DLQ's ARN and maxReceiveCount, as a JSON string. */
export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number): string {
  return JSON.stringify({ deadLetterTargetArn, maxReceiveCount: String(maxReceiveCount) });
}

/** A source queue whose RedrivePolicy names `dlq`. */
export interface DeadLetterPair {
  readonly source: TestQueue;
  readonly dlq: TestQueue;
}

/** How {@link createDeadLetterPair} configures the two queues. */
export interface DeadLetterPairOptions {
  readonly maxReceiveCount: number;
  /** @default - a Standard pair; true makes both queues FIFO */
  readonly fifo?: boolean;
  /** @default - SQS's defaults, plus FifoQueue when `fifo` */
  readonly sourceAttributes?: Readonly<Record<string, string>>;
  /** @default - SQS's defaults, plus FifoQueue when `fifo` */
  readonly deadLetterAttributes?: Readonly<Record<string, string>>;
}

/** Creates a dead-letter queue, then a source queue whose RedrivePolicy (set on CreateQueue) targets it. */
export async function createDeadLetterPair(
  protocol: Protocol,
  options: DeadLetterPairOptions,
): Promise<DeadLetterPair> {
  const type: Record<string, string> = options.fifo === true ? { FifoQueue: 'true' } : {};
  const dlq = await createTestQueue(protocol, { ...type, ...options.deadLetterAttributes });
  const source = await createTestQueue(protocol, {
    ...type,
    ...options.sourceAttributes,
    RedrivePolicy: redrivePolicy(dlq.arn, options.maxReceiveCount),
  });
  return { source, dlq };
}

/** Every system and message attribute, as an operator inspecting a DLQ would ask for them. */
export const ALL_ATTRIBUTES = {
  messageSystemAttributeNames: ['All'],
  messageAttributeNames: ['All'],
} as const;

/** A queue's ApproximateNumberOfMessages, as a number. */
export async function visibleCount(queue: TestQueue): Promise<number> {
  const attributes = await queue.getAttributes(['ApproximateNumberOfMessages']);
  return Number(attributes.ApproximateNumberOfMessages);
}

/**
 * Receives from `pair.source` with VisibilityTimeout 0 and never deletes, until `count` messages wait in
 * the DLQ. With maxReceiveCount 1, every message is received once and moved by a later receive.
 * Returns every delivery from the source, in order.
 */
export async function deadLetterAll(
  pair: DeadLetterPair,
  count: number,
  deadlineMs = 30_000,
): Promise<ReceivedMessage[]> {
  const deliveries: ReceivedMessage[] = [];
  await pollFor(
    async () => {
      deliveries.push(...(await pair.source.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 })));
      return visibleCount(pair.dlq);
    },
    (inDeadLetterQueue) => inDeadLetterQueue >= count,
    deadlineMs,
    0,
  );
  return deliveries;
}

/** Statuses after which a move task changes no more. */
export const FINISHED_STATUSES = ['COMPLETED', 'CANCELLED', 'FAILED'] as const;

/** Polls ListMessageMoveTasks of `dlq` until its most recent task has one of `statuses`, and returns it. */
export async function waitForMoveTask(
  dlq: TestQueue,
  statuses: readonly string[] = FINISHED_STATUSES,
  deadlineMs = 20_000,
): Promise<MessageMoveTask> {
  const [task] = await pollFor(
    () => dlq.api.listMessageMoveTasks(dlq.arn),
    (tasks) => tasks[0] !== undefined && statuses.includes(tasks[0].status),
    deadlineMs,
    200,
  );
  if (task === undefined) throw new Error('unreachable: pollFor returned no task');
  return task;
}

/** Distinct messages by MessageId, in first-seen order. */
export function distinct(messages: readonly ReceivedMessage[]): ReceivedMessage[] {
  return [...new Map(messages.map((message) => [message.messageId, message])).values()];
}

/**
 * Helpers for FIFO behaviour tests: FIFO queues, group-tagged bodies, and an order-preserving drain.
 * They encode what SQS documents for FIFO queues, never how the product stores them.
 */

import { registerCleanup } from './cleanup.js';
import { createJsonApi } from './json-api.js';
import { createJsonClient } from './json-client.js';
import { pollUntil } from './poll.js';
import { createQueryApi } from './query-api.js';
import { QueryClient } from './query-client.js';
import type { ReceivedMessage, ReceiveOptions, SendResult } from './sqs-api.js';
import { bindQueue, createTestQueue, type Protocol, type TestQueue, testClients } from './test-queue.js';

/** The system attributes SQS adds to every FIFO message. */
export const FIFO_SYSTEM_ATTRIBUTES = ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber'] as const;

/**
 * Creates a uniquely named FIFO queue over `protocol`: a name ending in `.fifo` and FifoQueue=true,
 * plus `attributes` (ContentBasedDeduplication, DeduplicationScope, VisibilityTimeout, ...).
 */
export function createFifoQueue(
  protocol: Protocol,
  attributes: Readonly<Record<string, string>> = {},
): Promise<TestQueue> {
  return createTestQueue(protocol, { FifoQueue: 'true', ...attributes });
}

/**
 * The same queue reached through a client of its own, for scenarios SQS phrases as "another consumer".
 * SQS has no notion of client identity, so this must behave exactly like a second call on the first.
 */
export async function otherClient(queue: TestQueue): Promise<TestQueue> {
  const { url } = await testClients();
  if (queue.protocol === 'json') {
    const sqs = createJsonClient(url);
    registerCleanup(() => sqs.destroy());
    return bindQueue(createJsonApi(sqs), queue.name, queue.url);
  }
  return bindQueue(createQueryApi(new QueryClient(url)), queue.name, queue.url);
}

/** A body that names its group: `bodyOf('a', 2)` is `a-2`. */
export function bodyOf(group: string, index: number): string {
  return `${group}-${index}`;
}

/** The group a body made by {@link bodyOf} names. */
export function groupOf(body: string): string {
  return body.slice(0, body.lastIndexOf('-'));
}

/**
 * Sends `bodies` to `group` one SendMessage at a time, in order, each with its body as its
 * MessageDeduplicationId (so bodies must be distinct within the queue's deduplication scope).
 */
export async function sendToGroup(
  queue: TestQueue,
  group: string,
  bodies: readonly string[],
): Promise<SendResult[]> {
  const results: SendResult[] = [];
  for (const body of bodies) {
    results.push(await queue.send(body, { messageGroupId: group, messageDeduplicationId: body }));
  }
  return results;
}

/** True when every sequence number is a string of digits, each larger than the one before. */
export function isStrictlyIncreasing(sequenceNumbers: readonly (string | undefined)[]): boolean {
  let previous: bigint | undefined;
  for (const sequenceNumber of sequenceNumbers) {
    if (sequenceNumber === undefined || !/^\d+$/.test(sequenceNumber)) return false;
    // SequenceNumber is 128 bits: compare as BigInt, never as a double.
    const current = BigInt(sequenceNumber);
    if (previous !== undefined && current <= previous) return false;
    previous = current;
  }
  return true;
}

/**
 * Receives (10 at a time) and deletes until `count` messages have arrived or the deadline passes, and
 * returns them in the order they were received. Deleting each batch at once releases its group, so
 * the drain sees every group's messages even if a receive returns fewer than are available.
 */
export async function receiveAndDeleteAll(
  queue: TestQueue,
  count: number,
  options: ReceiveOptions = {},
  deadlineMs = 15_000,
): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  await pollUntil(async () => {
    const messages = await queue.receive({ maxNumberOfMessages: 10, ...options });
    received.push(...messages);
    if (messages.length > 0) {
      const result = await queue.deleteBatch(
        messages.map((message, i) => ({ id: `d${i}`, receiptHandle: message.receiptHandle })),
      );
      if (result.failed.length > 0) throw new Error(`delete failed: ${JSON.stringify(result.failed)}`);
    }
    return received.length >= count;
  }, deadlineMs);
  return received;
}

/** Bodies grouped by {@link groupOf}, each group's in the order given. */
export function bodiesByGroup(messages: readonly { body: string }[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const { body } of messages) {
    const group = groupOf(body);
    groups[group] = [...(groups[group] ?? []), body];
  }
  return groups;
}

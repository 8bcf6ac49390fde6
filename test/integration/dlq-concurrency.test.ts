import { describe, expect, it } from 'vitest';
import { createDeadLetterPair } from '../helpers/dead-letter.js';
import { pollFor } from '../helpers/poll.js';
import type { TestQueue } from '../helpers/test-queue.js';

const MESSAGES = 1_000;
const CONSUMERS = 8;
const SENDERS = 4;
const MAX_RECEIVE_COUNT = 3;
/** Each consumer holds a message for the queue's 1 s timeout and never deletes it. */
const VISIBILITY_TIMEOUT_SECONDS = 1;
/** Moving all 1,000 takes 3,000 deliveries and 1,000 moves: about 100 s on a 2-core machine. */
const DEADLINE_MS = 150_000;
const COUNT_NAMES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

async function sendAll(queue: TestQueue): Promise<Set<string>> {
  const sent = new Set<string>();
  let next = 0;
  const sender = async () => {
    while (next < MESSAGES) {
      const start = next;
      next += 10;
      const entries = Array.from({ length: Math.min(10, MESSAGES - start) }, (_, i) => ({
        id: `m${i}`,
        body: `message ${start + i}`,
      }));
      const result = await queue.sendBatch(entries);
      expect(result.failed).toEqual([]);
      for (const entry of result.successful) sent.add(entry.messageId);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return sent;
}

/**
 * Consumers that receive and never delete, until the source reports no message left (available,
 * in flight or delayed). Returns every receive count each message was delivered with.
 */
async function failEverything(source: TestQueue): Promise<Map<string, string[]>> {
  const receiveCounts = new Map<string, string[]>();
  let empty = false;
  const deadline = Date.now() + DEADLINE_MS;
  const consumer = async () => {
    while (!empty && Date.now() < deadline) {
      const messages = await source.receive({
        maxNumberOfMessages: 10,
        waitTimeSeconds: 1,
        messageSystemAttributeNames: ['ApproximateReceiveCount'],
      });
      for (const message of messages) {
        const counts = receiveCounts.get(message.messageId) ?? [];
        counts.push(message.attributes.ApproximateReceiveCount ?? '');
        receiveCounts.set(message.messageId, counts);
      }
    }
  };
  const watcher = async () => {
    await pollFor(
      () => source.getAttributes(COUNT_NAMES),
      (counts) => COUNT_NAMES.every((name) => counts[name] === '0'),
      DEADLINE_MS,
      1_000,
    );
    empty = true;
  };
  await Promise.all([watcher(), ...Array.from({ length: CONSUMERS }, consumer)]);
  return receiveCounts;
}

/** Receives and deletes everything in `queue`; returns each delivery's MessageId. */
async function drain(queue: TestQueue, expected: number): Promise<string[]> {
  const deliveries: string[] = [];
  const deadline = Date.now() + 30_000;
  const drainer = async () => {
    while (new Set(deliveries).size < expected && Date.now() < deadline) {
      const messages = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });
      if (messages.length === 0) continue;
      deliveries.push(...messages.map((m) => m.messageId));
      const result = await queue.deleteBatch(
        messages.map((message, i) => ({ id: `d${i}`, receiptHandle: message.receiptHandle })),
      );
      expect(result.failed).toEqual([]);
    }
  };
  await Promise.all(Array.from({ length: 4 }, drainer));
  // Whatever is left would be a duplicate: keep receiving until a long poll finds nothing.
  for (;;) {
    const messages = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });
    if (messages.length === 0 || Date.now() > deadline) return deliveries;
    deliveries.push(...messages.map((m) => m.messageId));
    await queue.deleteBatch(
      messages.map((message, i) => ({ id: `d${i}`, receiptHandle: message.receiptHandle })),
    );
  }
}

/**
 * The queue's ApproximateNumberOfMessages once it reads `expected` (polling, since it is approximate), or
 * the last value read; it does not throw, so the assertions after the drain say whether a wrong count
 * came with duplicated or missing messages.
 */
async function settledCount(queue: TestQueue, expected: number): Promise<Record<string, string>> {
  const read = () => queue.getAttributes(['ApproximateNumberOfMessages']);
  try {
    return await pollFor(read, (counts) => counts.ApproximateNumberOfMessages === String(expected));
  } catch {
    return read();
  }
}

describe('Dead-letter queue under concurrency over json', () => {
  it(`${CONSUMERS} consumers that never delete ${MESSAGES} messages: each lands in the dead-letter queue exactly once`, async () => {
    const pair = await createDeadLetterPair('json', {
      maxReceiveCount: MAX_RECEIVE_COUNT,
      sourceAttributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) },
    });
    const sent = await sendAll(pair.source);

    const receiveCounts = await failEverything(pair.source);
    const inDeadLetterQueue = await settledCount(pair.dlq, MESSAGES);
    const deliveries = await drain(pair.dlq, MESSAGES);

    const delivered = new Set(deliveries);
    const missing = [...sent].filter((id) => !delivered.has(id));
    const strangers = [...delivered].filter((id) => !sent.has(id));
    // Each receive count at most once, none above the maximum. A count can be missing: a receive that answers
    // after the claim's visibility timeout ran out withholds it (engine/receive-window.ts), as a lost answer would.
    const wrongCounts = [...sent].filter((id) => {
      const counts = receiveCounts.get(id) ?? [];
      return (
        new Set(counts).size !== counts.length || counts.some((count) => !['1', '2', '3'].includes(count))
      );
    });
    const everyCount = [...sent].filter((id) => receiveCounts.get(id)?.length === MAX_RECEIVE_COUNT);
    expect(sent.size).toBe(MESSAGES);
    // Withheld claims are the exception: most messages are seen at every count.
    expect(everyCount.length).toBeGreaterThan(MESSAGES / 2);
    expect(
      wrongCounts.slice(0, 10).map((id) => `${id}: ${receiveCounts.get(id)?.join() ?? 'never'}`),
    ).toEqual([]);
    expect(missing).toEqual([]);
    expect(strangers).toEqual([]);
    expect(deliveries).toHaveLength(MESSAGES);
    expect(inDeadLetterQueue).toEqual({ ApproximateNumberOfMessages: String(MESSAGES) });
    expect(await pair.source.getAttributes(COUNT_NAMES)).toEqual(
      Object.fromEntries(COUNT_NAMES.map((name) => [name, '0'])),
    );
    expect(await pair.source.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 })).toEqual([]);
  }, 240_000);
});

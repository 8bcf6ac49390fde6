import { describe, expect, it } from 'vitest';
import { createTestQueue, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const MESSAGES = 2_000;
const RECEIVERS = 8;
const SENDERS = 4;
const VISIBILITY_TIMEOUT_SECONDS = 30;
const DRAIN_DEADLINE_MS = 150_000;

/** One delivery as a receiver saw it: the window in which the receive request was open. */
interface Delivery {
  readonly receiver: number;
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
  readonly requestedAtMs: number;
  readonly answeredAtMs: number;
}

async function sendAll(queue: TestQueue): Promise<Map<string, string>> {
  const sent = new Map<string, string>();
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
      for (const entry of result.successful) {
        sent.set(entry.messageId, entries.find((e) => e.id === entry.id)?.body ?? '');
      }
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return sent;
}

async function drain(queue: TestQueue, expected: number): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  const deleted = new Set<string>();
  const deadline = Date.now() + DRAIN_DEADLINE_MS;
  const receiver = async (receiver: number) => {
    while (deleted.size < expected && Date.now() < deadline) {
      const requestedAtMs = Date.now();
      const messages = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });
      const answeredAtMs = Date.now();
      for (const message of messages) {
        deliveries.push({
          receiver,
          messageId: message.messageId,
          body: message.body,
          receiptHandle: message.receiptHandle,
          requestedAtMs,
          answeredAtMs,
        });
      }
      if (messages.length === 0) continue;
      const result = await queue.deleteBatch(
        messages.map((message, i) => ({ id: `d${i}`, receiptHandle: message.receiptHandle })),
      );
      expect(result.failed).toEqual([]);
      for (const message of messages) deleted.add(message.messageId);
    }
  };
  await Promise.all(Array.from({ length: RECEIVERS }, (_, i) => receiver(i)));
  return deliveries;
}

/**
 * Deliveries of one message that overlap: the later receive was answered before the earlier one's
 * visibility window could possibly have ended (window starts no earlier than the earlier request).
 */
function overlappingDeliveries(deliveries: readonly Delivery[]): [Delivery, Delivery][] {
  const byMessage = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    byMessage.set(delivery.messageId, [...(byMessage.get(delivery.messageId) ?? []), delivery]);
  }
  const overlaps: [Delivery, Delivery][] = [];
  for (const list of byMessage.values()) {
    const sorted = [...list].sort((a, b) => a.requestedAtMs - b.requestedAtMs);
    for (let i = 1; i < sorted.length; i++) {
      const earlier = sorted[i - 1] as Delivery;
      const later = sorted[i] as Delivery;
      if (later.answeredAtMs < earlier.requestedAtMs + VISIBILITY_TIMEOUT_SECONDS * 1000) {
        overlaps.push([earlier, later]);
      }
    }
  }
  return overlaps;
}

describe.each(PROTOCOLS)('Concurrent receivers over %s', (protocol) => {
  it(`${RECEIVERS} receivers drain ${MESSAGES} messages: each delivered, none held by two at once, none lost`, async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) });
    const sent = await sendAll(queue);

    const deliveries = await drain(queue, MESSAGES);

    const receivedIds = new Set(deliveries.map((d) => d.messageId));
    const missing = [...sent.keys()].filter((id) => !receivedIds.has(id));
    const strangers = [...receivedIds].filter((id) => !sent.has(id));
    const wrongBodies = deliveries.filter((d) => sent.get(d.messageId) !== d.body);
    expect(sent.size).toBe(MESSAGES);
    expect(missing).toEqual([]);
    expect(strangers).toEqual([]);
    expect(wrongBodies).toEqual([]);
    expect(overlappingDeliveries(deliveries)).toEqual([]);
    expect(
      await queue.getAttributes(['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
    ).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  }, 240_000);
});

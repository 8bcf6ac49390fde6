import { describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { createTestQueue, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

/** Receives until a message arrives and returns how long after `sentAtMs` it did. */
async function msUntilReceived(queue: TestQueue, sentAtMs: number): Promise<number> {
  const [message] = await pollUntil(async () => {
    const messages = await queue.receive();
    return messages.length > 0 ? messages : undefined;
  }, 10_000);
  expect(message).toBeDefined();
  return Date.now() - sentAtMs;
}

describe.each(PROTOCOLS)('Delay queues over %s', (protocol) => {
  it("hides a message for the queue's DelaySeconds", async () => {
    const queue = await createTestQueue(protocol, { DelaySeconds: '2' });
    const sentAtMs = Date.now();
    await queue.send('later');

    const early = await queue.receive();
    const elapsedMs = await msUntilReceived(queue, sentAtMs);

    expect(early).toEqual([]);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
  });

  it('hides a message for its own DelaySeconds on a queue without delay', async () => {
    const queue = await createTestQueue(protocol);
    const sentAtMs = Date.now();
    await queue.send('later', { delaySeconds: 2 });

    const early = await queue.receive();
    const elapsedMs = await msUntilReceived(queue, sentAtMs);

    expect(early).toEqual([]);
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
  });

  it("lets a message's DelaySeconds=0 override the queue's delay", async () => {
    const queue = await createTestQueue(protocol, { DelaySeconds: '60' });

    await queue.send('now', { delaySeconds: 0 });
    const received = await queue.receive();

    expect(received.map((m) => m.body)).toEqual(['now']);
  });

  it('delays each message of a batch by its own DelaySeconds', async () => {
    const queue = await createTestQueue(protocol);

    await queue.sendBatch([
      { id: 'now', body: 'now' },
      { id: 'later', body: 'later', delaySeconds: 60 },
    ]);
    const first = await queue.receive({ maxNumberOfMessages: 10 });
    const second = await queue.receive({ maxNumberOfMessages: 10 });

    expect(first.map((m) => m.body)).toEqual(['now']);
    expect(second).toEqual([]);
  });
});

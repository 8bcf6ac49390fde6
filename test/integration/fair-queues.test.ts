import { describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import { createTestQueue, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const NOISY_MESSAGES = 10_000;
const QUIET_TENANTS = 10;
const QUIET_MESSAGES_EACH = 10;
const SENDERS = 8;
const RECEIVERS = 4;

describe.each(PROTOCOLS)('MessageGroupId on a Standard queue over %s', (protocol) => {
  it('is returned as the MessageGroupId system attribute', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('single', { messageGroupId: 'tenant-1' });
    await queue.sendBatch([
      { id: 'a', body: 'batched', messageGroupId: 'tenant-2' },
      { id: 'b', body: 'no tenant' },
    ]);

    const received = await queue.receiveAll(3, { messageSystemAttributeNames: ['MessageGroupId'] });

    const groups = Object.fromEntries(received.map((m) => [m.body, m.attributes.MessageGroupId]));
    expect(groups).toEqual({ single: 'tenant-1', batched: 'tenant-2', 'no tenant': undefined });
  });

  it('delivers quiet tenants’ messages like any others, each once', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '60' });
    const bodies: string[] = [];
    for (let tenant = 0; tenant < 3; tenant++) {
      const entries = Array.from({ length: 8 }, (_, i) => ({
        id: `m${i}`,
        body: `tenant-${tenant} #${i}`,
        messageGroupId: `tenant-${tenant}`,
      }));
      await queue.sendBatch(entries);
      bodies.push(...entries.map((e) => e.body));
    }

    const received = await queue.receiveAll(bodies.length, { messageSystemAttributeNames: ['All'] });
    const again = await queue.receive({ maxNumberOfMessages: 10 });
    const counts = await queue.getAttributes([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
    ]);

    expect(received.map((m) => m.body).sort()).toEqual([...bodies].sort());
    expect(received.every((m) => m.body.startsWith(`${m.attributes.MessageGroupId} `))).toBe(true);
    expect(again).toEqual([]);
    expect(counts).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: String(bodies.length),
    });
  });
});

describe('Fair queues', () => {
  it('deliver quiet tenants’ messages before a noisy tenant’s backlog, losing none and keeping batches full', {
    timeout: 120_000,
  }, async () => {
    const queue = await createFairQueue();
    await sendNoisyBacklog(queue);
    const quietBodies = await sendQuietTenants(queue);

    const run = await consumeUntilQuietDone(queue, quietBodies.size);
    const after = await queue.receive({ maxNumberOfMessages: 10, messageSystemAttributeNames: ['All'] });
    const [kept, ...done] = after;
    await queue.deleteBatch(done.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })));
    await queue.changeVisibility((kept as ReceivedMessage).receiptHandle, 0);
    const counts = await queue.getAttributes([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
    await queue.purge();
    const afterPurge = await queue.getAttributes(['ApproximateNumberOfMessages']);

    expect(run.quietBodies).toEqual(quietBodies);
    expect(run.noisyWhenQuietDone, 'noisy messages received by the time the last quiet one was').toBeLessThan(
      NOISY_MESSAGES * 0.05,
    );
    // Only the noisy backlog is left, and receives get it in full batches.
    expect(after).toHaveLength(10);
    expect(after.every((m) => m.attributes.MessageGroupId === 'noisy')).toBe(true);
    // Nothing lost: every message not deleted is counted, in either lane; the one made visible again too.
    expect(counts).toEqual({
      ApproximateNumberOfMessages: String(NOISY_MESSAGES + quietBodies.size - run.deleted - done.length),
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(afterPurge).toEqual({ ApproximateNumberOfMessages: '0' });
  });
});

async function sendNoisyBacklog(queue: TestQueue): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < NOISY_MESSAGES) {
      const start = next;
      next += 10;
      const result = await queue.sendBatch(
        Array.from({ length: 10 }, (_, i) => ({
          id: `m${i}`,
          body: `noisy ${start + i}`,
          messageGroupId: 'noisy',
        })),
      );
      expect(result.failed).toEqual([]);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
}

async function sendQuietTenants(queue: TestQueue): Promise<Set<string>> {
  const bodies = new Set<string>();
  for (let i = 0; i < QUIET_MESSAGES_EACH; i++) {
    const entries = Array.from({ length: QUIET_TENANTS }, (_, tenant) => ({
      id: `t${tenant}`,
      body: `quiet-${tenant} ${i}`,
      messageGroupId: `quiet-${tenant}`,
    }));
    const result = await queue.sendBatch(entries);
    expect(result.failed).toEqual([]);
    for (const entry of entries) bodies.add(entry.body);
  }
  return bodies;
}

/** Receives (batches of 10) and deletes with several consumers until every quiet message has arrived. */
async function consumeUntilQuietDone(queue: TestQueue, quietCount: number) {
  const quietBodies = new Set<string>();
  let noisy = 0;
  let noisyWhenQuietDone = Number.POSITIVE_INFINITY;
  let deleted = 0;
  const deadline = Date.now() + 60_000;
  const receiver = async () => {
    while (quietBodies.size < quietCount && Date.now() < deadline) {
      const messages = await queue.receive({
        maxNumberOfMessages: 10,
        messageSystemAttributeNames: ['MessageGroupId'],
      });
      for (const message of messages) {
        if (message.attributes.MessageGroupId === 'noisy') noisy++;
        else quietBodies.add(message.body);
        if (quietBodies.size === quietCount) noisyWhenQuietDone = Math.min(noisyWhenQuietDone, noisy);
      }
      if (messages.length === 0) continue;
      const result = await queue.deleteBatch(
        messages.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })),
      );
      expect(result.failed).toEqual([]);
      deleted += messages.length;
    }
  };
  await Promise.all(Array.from({ length: RECEIVERS }, receiver));
  return { quietBodies, noisyWhenQuietDone, deleted };
}

async function createFairQueue(): Promise<TestQueue> {
  return createTestQueue('json', { VisibilityTimeout: '60' });
}

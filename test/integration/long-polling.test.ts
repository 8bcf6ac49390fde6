import { describe, expect, it } from 'vitest';
import { sleep } from '../helpers/poll.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('Long polling over %s', (protocol) => {
  it('returns soon after a message is sent while it waits', async () => {
    const queue = await createTestQueue(protocol);
    const startedAtMs = Date.now();
    const receiving = queue.receive({ waitTimeSeconds: 10 });
    let returnedAtMs = 0;
    void receiving.then(() => {
      returnedAtMs = Date.now();
    });

    // Let the poll start waiting on an empty queue before the message arrives.
    await sleep(1_000);
    await queue.send('wake up');
    const sentAtMs = Date.now();
    const received = await receiving;

    expect(received.map((m) => m.body)).toEqual(['wake up']);
    expect(returnedAtMs - startedAtMs).toBeLessThan(5_000);
    expect(returnedAtMs - sentAtMs).toBeLessThan(3_000);
  });

  it('waits WaitTimeSeconds on an empty queue, then returns nothing', async () => {
    const queue = await createTestQueue(protocol);
    const startedAtMs = Date.now();

    const received = await queue.receive({ waitTimeSeconds: 2 });

    expect(received).toEqual([]);
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - startedAtMs).toBeLessThan(6_000);
  });

  it('returns at once when a message is already there', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('ready');
    const startedAtMs = Date.now();

    const received = await queue.receive({ waitTimeSeconds: 10 });

    expect(received.map((m) => m.body)).toEqual(['ready']);
    expect(Date.now() - startedAtMs).toBeLessThan(3_000);
  });

  it("waits the queue's ReceiveMessageWaitTimeSeconds when the request gives none", async () => {
    const queue = await createTestQueue(protocol, { ReceiveMessageWaitTimeSeconds: '2' });
    const startedAtMs = Date.now();

    const received = await queue.receive();

    expect(received).toEqual([]);
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(1_900);
  });

  it("lets WaitTimeSeconds=0 override the queue's ReceiveMessageWaitTimeSeconds", async () => {
    const queue = await createTestQueue(protocol, { ReceiveMessageWaitTimeSeconds: '20' });
    const startedAtMs = Date.now();

    const received = await queue.receive({ waitTimeSeconds: 0 });

    expect(received).toEqual([]);
    expect(Date.now() - startedAtMs).toBeLessThan(2_000);
  });

  it("wakes a poll that waits by the queue's ReceiveMessageWaitTimeSeconds", async () => {
    const queue = await createTestQueue(protocol, { ReceiveMessageWaitTimeSeconds: '10' });
    const startedAtMs = Date.now();
    const receiving = queue.receive();

    await sleep(500);
    await queue.send('queue-level wait');
    const received = await receiving;

    expect(received.map((m) => m.body)).toEqual(['queue-level wait']);
    expect(Date.now() - startedAtMs).toBeLessThan(5_000);
  });

  it('rejects WaitTimeSeconds above 20 as InvalidParameterValue', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.receive({ waitTimeSeconds: 21 }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });
});

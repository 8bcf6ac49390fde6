import { describe, expect, it } from 'vitest';
import {
  ALL_ATTRIBUTES,
  createDeadLetterPair,
  type DeadLetterPair,
  deadLetterAll,
  redrivePolicy,
  visibleCount,
  waitForMoveTask,
} from '../helpers/dead-letter.js';
import { receiveAndDeleteAll } from '../helpers/fifo.js';
import type { MessageAttributeMap, Protocol, SendResult } from '../helpers/sqs-api.js';
import { createTestQueue, PROTOCOLS, type TestQueue } from '../helpers/test-queue.js';

const ATTRIBUTES: MessageAttributeMap = {
  text: { dataType: 'String', stringValue: 'caf\u00e9' },
  blob: { dataType: 'Binary', binaryValue: Uint8Array.from([0, 1, 254, 255]) },
};

/** A pair (maxReceiveCount 1) whose DLQ holds `bodies`, moved there by receives that never delete. */
async function deadLettered(
  protocol: Protocol,
  bodies: readonly string[],
): Promise<DeadLetterPair & { sent: SendResult[] }> {
  const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
  const sent: SendResult[] = [];
  for (const body of bodies) sent.push(await pair.source.send(body, { messageAttributes: ATTRIBUTES }));
  await deadLetterAll(pair, bodies.length);
  return { ...pair, sent };
}

/** Receives until `queue` reports nothing left, checking that a long poll finds nothing either. */
async function expectEmpty(queue: TestQueue): Promise<void> {
  expect(await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 })).toEqual([]);
  expect(await visibleCount(queue)).toBe(0);
}

describe.each(PROTOCOLS)('StartMessageMoveTask over %s', (protocol) => {
  it('moves messages back to their original source queue when no DestinationArn is given', async () => {
    const { source, dlq } = await deadLettered(protocol, ['a', 'b', 'c']);

    const taskHandle = await dlq.api.startMessageMoveTask(dlq.arn);
    const task = await waitForMoveTask(dlq);
    const redriven = await receiveAndDeleteAll(source, 3);

    expect(taskHandle).toMatch(/\S/);
    expect(task.status).toBe('COMPLETED');
    expect(redriven.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
    await expectEmpty(dlq);
  });

  it('moves messages to the queue DestinationArn names, and none to the source', async () => {
    const { source, dlq } = await deadLettered(protocol, ['a', 'b', 'c']);
    const destination = await createTestQueue(protocol);

    await dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: destination.arn });
    const task = await waitForMoveTask(dlq);
    const moved = await receiveAndDeleteAll(destination, 3);

    expect(task.status).toBe('COMPLETED');
    expect(moved.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
    await expectEmpty(dlq);
    await expectEmpty(source);
  });

  it('moves each message back to its own source when the dead-letter queue serves several', async () => {
    const { source, dlq } = await deadLettered(protocol, ['first-1', 'first-2']);
    const other = await createTestQueue(protocol, { RedrivePolicy: redrivePolicy(dlq.arn, 1) });
    await other.send('second-1');
    await other.send('second-2');
    await deadLetterAll({ source: other, dlq }, 4);

    await dlq.api.startMessageMoveTask(dlq.arn);
    const task = await waitForMoveTask(dlq);
    const backInFirst = await receiveAndDeleteAll(source, 2);
    const backInSecond = await receiveAndDeleteAll(other, 2);

    expect(task).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 4 });
    expect(backInFirst.map((m) => m.body).sort()).toEqual(['first-1', 'first-2']);
    expect(backInSecond.map((m) => m.body).sort()).toEqual(['second-1', 'second-2']);
    await expectEmpty(dlq);
  });

  // The developer guide ("Configuring a dead-letter queue redrive"): redriven messages are new messages,
  // with a new messageID and enqueueTime; the issue adds that their receive count starts again.
  it('redrives each message as a new one: new MessageId, fresh SentTimestamp, receive count from 1', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
    const { source, dlq } = pair;
    const sent = [
      await source.send('a', { messageAttributes: ATTRIBUTES }),
      await source.send('b', { messageAttributes: ATTRIBUTES }),
    ];
    const originals = await source.receiveAll(2, { visibilityTimeout: 0, ...ALL_ATTRIBUTES });
    await deadLetterAll(pair, 2);
    const startingAtMs = Date.now();

    await dlq.api.startMessageMoveTask(dlq.arn);
    await waitForMoveTask(dlq);
    const redriven = await receiveAndDeleteAll(source, 2, ALL_ATTRIBUTES);

    const sentIds = new Set(sent.map((s) => s.messageId));
    const latestOriginalSentTimestamp = Math.max(...originals.map((m) => Number(m.attributes.SentTimestamp)));
    expect(redriven.filter((m) => sentIds.has(m.messageId))).toEqual([]);
    expect(new Set(redriven.map((m) => m.messageId)).size).toBe(2);
    for (const message of redriven) {
      expect(message.attributes.ApproximateReceiveCount).toBe('1');
      // Same machine, same clock: only rounding separates the two.
      expect(Number(message.attributes.SentTimestamp)).toBeGreaterThanOrEqual(startingAtMs - 1_000);
      expect(Number(message.attributes.SentTimestamp)).toBeGreaterThan(latestOriginalSentTimestamp);
      expect(message.messageAttributes).toEqual(ATTRIBUTES);
      expect(message.md5OfMessageAttributes).toBe(sent[0]?.md5OfMessageAttributes);
    }
    expect(redriven.map((m) => m.body).sort()).toEqual(['a', 'b']);
    expect(redriven.map((m) => m.md5OfBody).sort()).toEqual(sent.map((s) => s.md5OfMessageBody).sort());
  });

  it('also redrives a message that an operator received from the dead-letter queue and released', async () => {
    const { source, dlq } = await deadLettered(protocol, ['a', 'b']);
    // One message only: both would be in flight after a receive of up to 10, and only one is released here.
    const [inspected] = await dlq.receiveAll(1, { maxNumberOfMessages: 1 });
    if (inspected === undefined) throw new Error('the dead-letter queue is empty');
    await dlq.changeVisibility(inspected.receiptHandle, 0);

    await dlq.api.startMessageMoveTask(dlq.arn);
    const task = await waitForMoveTask(dlq);
    const redriven = await receiveAndDeleteAll(source, 2);

    expect(task).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 2 });
    expect(redriven.map((m) => m.body).sort()).toEqual(['a', 'b']);
    await expectEmpty(dlq);
  });

  it('lets a redriven message be received again without bouncing straight back to the dead-letter queue', async () => {
    const { source, dlq } = await deadLettered(protocol, ['retry me']);

    await dlq.api.startMessageMoveTask(dlq.arn);
    await waitForMoveTask(dlq);
    const [redriven] = await source.receiveAll(1, { visibilityTimeout: 0 });
    const again = await source.receive({ waitTimeSeconds: 1 });

    expect(redriven?.body).toBe('retry me');
    // maxReceiveCount is 1: the count restarted, so only this second receive is over the limit.
    expect(again).toEqual([]);
    expect(await dlq.receiveAll(1)).toHaveLength(1);
  });
});

describe.each(PROTOCOLS)('ListMessageMoveTasks over %s', (protocol) => {
  it('reports a finished task as COMPLETED with its counts, ARNs and start time, and no TaskHandle', async () => {
    const { dlq } = await deadLettered(protocol, ['a', 'b']);
    const destination = await createTestQueue(protocol);
    const startingAtMs = Date.now();

    await dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: destination.arn });
    const startedAtMs = Date.now();
    await waitForMoveTask(dlq);
    const [task, ...older] = await dlq.api.listMessageMoveTasks(dlq.arn);

    expect(older).toEqual([]);
    expect(task).toEqual({
      status: 'COMPLETED',
      sourceArn: dlq.arn,
      destinationArn: destination.arn,
      approximateNumberOfMessagesMoved: 2,
      approximateNumberOfMessagesToMove: 2,
      startedTimestamp: expect.any(Number),
    });
    expect(task?.startedTimestamp).toBeGreaterThanOrEqual(startingAtMs - 1_000);
    expect(task?.startedTimestamp).toBeLessThanOrEqual(startedAtMs + 1_000);
  });

  it('leaves out DestinationArn for a task that moves messages back to their sources', async () => {
    const { dlq } = await deadLettered(protocol, ['a']);

    await dlq.api.startMessageMoveTask(dlq.arn);
    const task = await waitForMoveTask(dlq);

    expect(task).not.toHaveProperty('destinationArn');
    expect(task).not.toHaveProperty('maxNumberOfMessagesPerSecond');
    expect(task).toMatchObject({
      status: 'COMPLETED',
      sourceArn: dlq.arn,
      approximateNumberOfMessagesMoved: 1,
    });
  });

  it('lists the most recent task first: one by default, up to MaxResults', async () => {
    const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
    const destinations: TestQueue[] = [];
    for (let i = 0; i < 3; i++) {
      const destination = await createTestQueue(protocol);
      await pair.source.send(`message ${i}`);
      await deadLetterAll(pair, 1);
      await pair.dlq.api.startMessageMoveTask(pair.dlq.arn, { destinationArn: destination.arn });
      await waitForMoveTask(pair.dlq);
      destinations.push(destination);
    }
    const newestFirst = destinations.map((d) => d.arn).reverse();

    const byDefault = await pair.dlq.api.listMessageMoveTasks(pair.dlq.arn);
    const upToTen = await pair.dlq.api.listMessageMoveTasks(pair.dlq.arn, 10);
    const upToTwo = await pair.dlq.api.listMessageMoveTasks(pair.dlq.arn, 2);

    expect(byDefault.map((t) => t.destinationArn)).toEqual(newestFirst.slice(0, 1));
    expect(upToTen.map((t) => t.destinationArn)).toEqual(newestFirst);
    expect(upToTwo.map((t) => t.destinationArn)).toEqual(newestFirst.slice(0, 2));
    expect(upToTen.map((t) => t.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
  });

  it('lists no task for a dead-letter queue that never had one', async () => {
    const { dlq } = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });

    expect(await dlq.api.listMessageMoveTasks(dlq.arn, 10)).toEqual([]);
  });
});

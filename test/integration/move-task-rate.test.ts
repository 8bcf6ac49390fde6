import { describe, expect, it } from 'vitest';
import {
  createDeadLetterPair,
  type DeadLetterPair,
  deadLetterAll,
  distinct,
  visibleCount,
  waitForMoveTask,
} from '../helpers/dead-letter.js';
import { pollFor, sleep } from '../helpers/poll.js';
import type { MessageMoveTask, Protocol, ReceivedMessage } from '../helpers/sqs-api.js';
import {
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  type TestQueue,
} from '../helpers/test-queue.js';

/** A pair (maxReceiveCount 1) whose DLQ holds `count` messages, and an empty queue to move them to. */
async function deadLettered(
  protocol: Protocol,
  count: number,
): Promise<DeadLetterPair & { destination: TestQueue }> {
  const pair = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => ({
      id: `m${i}`,
      body: `message ${start + i}`,
    }));
    expect((await pair.source.sendBatch(entries)).failed).toEqual([]);
  }
  await deadLetterAll(pair, count);
  return { ...pair, destination: await createTestQueue(protocol) };
}

/** One look at a task while it runs. */
interface Sample {
  readonly afterMs: number;
  readonly task: MessageMoveTask | undefined;
}

describe.each(PROTOCOLS)('Message move task rate over %s', (protocol) => {
  it('moves 50 messages at MaxNumberOfMessagesPerSecond 10 over seconds, not at once', async () => {
    const { dlq, destination } = await deadLettered(protocol, 50);
    const startingAtMs = Date.now();

    await dlq.api.startMessageMoveTask(dlq.arn, {
      destinationArn: destination.arn,
      maxNumberOfMessagesPerSecond: 10,
    });
    const samples: Sample[] = [];
    await pollFor(
      async () => {
        const [task] = await dlq.api.listMessageMoveTasks(dlq.arn);
        samples.push({ afterMs: Date.now() - startingAtMs, task });
        return task;
      },
      (task) => task?.status === 'COMPLETED',
      20_000,
      250,
    );
    const moved = await destination.receiveAll(50);

    const [first] = samples;
    const last = samples[samples.length - 1];
    const withinASecond = samples.filter((s) => s.afterMs <= 1_000);
    expect(first?.task).toMatchObject({
      status: 'RUNNING',
      taskHandle: expect.any(String),
      maxNumberOfMessagesPerSecond: 10,
      approximateNumberOfMessagesToMove: 50,
    });
    expect(withinASecond.length).toBeGreaterThan(0);
    expect(withinASecond.filter((s) => s.task?.status !== 'RUNNING')).toEqual([]);
    expect(withinASecond.filter((s) => (s.task?.approximateNumberOfMessagesMoved ?? 0) >= 50)).toEqual([]);
    // 50 messages at 10 per second take about 5 s; even a first burst of a second's worth leaves 4 s.
    expect(last?.afterMs).toBeGreaterThanOrEqual(2_000);
    expect(last?.task).toMatchObject({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 50 });
    expect(distinct(moved)).toHaveLength(50);
    expect(await visibleCount(dlq)).toBe(0);
  }, 60_000);
});

describe.each(PROTOCOLS)('CancelMessageMoveTask over %s', (protocol) => {
  it('stops a running task: messages already moved stay moved, the rest stay in the dead-letter queue', async () => {
    const { dlq, destination } = await deadLettered(protocol, 10);
    const taskHandle = await dlq.api.startMessageMoveTask(dlq.arn, {
      destinationArn: destination.arn,
      maxNumberOfMessagesPerSecond: 1,
    });
    const arrived: ReceivedMessage[] = [];
    await pollUntilArrived(destination, arrived, 2);

    const [running] = await dlq.api.listMessageMoveTasks(dlq.arn);
    const movedAtCancel = await dlq.api.cancelMessageMoveTask(taskHandle);
    const cancelled = await waitForMoveTask(dlq, ['CANCELLED']);
    const moved = cancelled.approximateNumberOfMessagesMoved;
    // The task has stopped: after two more seconds at 1 message per second, nothing else has moved.
    await sleep(2_000);
    await pollUntilArrived(destination, arrived, moved);
    const late = await destination.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

    expect(running).toEqual({
      taskHandle,
      status: 'RUNNING',
      sourceArn: dlq.arn,
      destinationArn: destination.arn,
      maxNumberOfMessagesPerSecond: 1,
      approximateNumberOfMessagesMoved: expect.any(Number),
      approximateNumberOfMessagesToMove: 10,
      startedTimestamp: expect.any(Number),
    });
    expect(movedAtCancel).toBeGreaterThanOrEqual(0);
    expect(movedAtCancel).toBeLessThan(10);
    expect(cancelled).not.toHaveProperty('taskHandle');
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      sourceArn: dlq.arn,
      approximateNumberOfMessagesToMove: 10,
    });
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(moved).toBeLessThan(10);
    expect(late).toEqual([]);
    expect(distinct(arrived)).toHaveLength(moved);
    expect(await visibleCount(dlq)).toBe(10 - moved);
  }, 60_000);

  it('refuses to cancel a task that has finished', async () => {
    const { dlq, destination } = await deadLettered(protocol, 2);
    const taskHandle = await dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: destination.arn });
    await waitForMoveTask(dlq, ['COMPLETED']);

    const error = await catchError(dlq.api.cancelMessageMoveTask(taskHandle));
    const [task] = await dlq.api.listMessageMoveTasks(dlq.arn);

    // SQS documents that only a RUNNING task can be cancelled, but no recorded response shows which error.
    expect([400, 404]).toContain(error.status);
    expect(task?.status).toBe('COMPLETED');
  });

  it('allows one running task per dead-letter queue', async () => {
    const { dlq, destination } = await deadLettered(protocol, 10);
    const taskHandle = await dlq.api.startMessageMoveTask(dlq.arn, {
      destinationArn: destination.arn,
      maxNumberOfMessagesPerSecond: 1,
    });

    const error = await catchError(
      dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: destination.arn }),
    );
    const another = await catchError(dlq.api.startMessageMoveTask(dlq.arn));
    await dlq.api.cancelMessageMoveTask(taskHandle);

    const message =
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.';
    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400, message));
    expect(another).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400, message));
  });

  it('lets a new task start once the previous one was cancelled', async () => {
    const { dlq, destination } = await deadLettered(protocol, 10);
    const first = await dlq.api.startMessageMoveTask(dlq.arn, {
      destinationArn: destination.arn,
      maxNumberOfMessagesPerSecond: 1,
    });
    await dlq.api.cancelMessageMoveTask(first);
    await waitForMoveTask(dlq, ['CANCELLED']);

    const second = await dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: destination.arn });
    const task = await waitForMoveTask(dlq, ['COMPLETED']);
    const moved = await destination.receiveAll(10);

    expect(second).not.toBe(first);
    expect(task.status).toBe('COMPLETED');
    expect(distinct(moved)).toHaveLength(10);
    expect(await visibleCount(dlq)).toBe(0);
  }, 60_000);
});

/** Receives from `queue` (keeping what it gets in `arrived`) until `count` distinct messages arrived. */
async function pollUntilArrived(queue: TestQueue, arrived: ReceivedMessage[], count: number): Promise<void> {
  await pollFor(
    async () => {
      arrived.push(...(await queue.receive({ maxNumberOfMessages: 10, visibilityTimeout: 60 })));
      return distinct(arrived).length;
    },
    (distinctCount) => distinctCount >= count,
    20_000,
    200,
  );
}

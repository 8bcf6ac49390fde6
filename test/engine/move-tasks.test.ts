import { afterEach, describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import { MoveTaskRunner } from '../../lambda/engine/move-task-runner.js';
import { encodeTaskHandle, MoveTasks } from '../../lambda/engine/move-tasks.js';
import type { MessageMoveTask } from '../../lambda/engine/types.js';
import { ACCOUNT_ID, arnOf, FakeMoveTaskStore, FakeTime, REGION } from './move-task-fakes.js';

const runners: MoveTaskRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
});

/** A store, fake time, the move task actions, and a way to start runners on them. */
function setUp() {
  const time = new FakeTime();
  const store = new FakeMoveTaskStore();
  const errors: unknown[] = [];
  const local: MoveTaskRunner[] = [];
  const tasks = new MoveTasks({
    store: store.asStore(),
    clock: time.clock,
    accountId: ACCOUNT_ID,
    region: REGION,
    onChange: () => {
      for (const runner of local) runner.wake();
    },
  });
  /** A runner that started tasks and cancels wake, as the one in the same process. */
  const startRunner = (ownerId = 'runner-a', options: { local?: boolean } = {}) => {
    const runner = new MoveTaskRunner({
      store: store.asStore(),
      clock: time.clock,
      sleep: time.sleep,
      accountId: ACCOUNT_ID,
      region: REGION,
      ownerId,
      onError: (error) => errors.push(error),
    });
    runners.push(runner);
    if (options.local ?? true) local.push(runner);
    runner.start();
    return runner;
  };
  const latest = async (dlqName: string): Promise<MessageMoveTask> => {
    const { results } = await tasks.list({ sourceArn: arnOf(dlqName) });
    if (!results[0]) throw new Error(`no task for ${dlqName}`);
    return results[0];
  };
  return { time, store, tasks, errors, startRunner, latest };
}

async function errorOf(promise: Promise<unknown>): Promise<SqsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SqsError) return error;
    throw error;
  }
  throw new Error('expected an SqsError');
}

describe('StartMessageMoveTask', () => {
  it.each([0, 501, 1.5])('rejects MaxNumberOfMessagesPerSecond %s', async (rate) => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');

    const error = await errorOf(
      tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: rate }),
    );

    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toContain('MaxNumberOfMessagesPerSecond');
    expect(store.tasks.size).toBe(0);
  });

  it.each([
    ['a queue that does not exist', arnOf('missing')],
    ['another account', 'arn:aws:sqs:us-east-1:999999999999:orders-dlq'],
    ['no ARN at all', 'orders-dlq'],
  ])('answers a SourceArn naming %s with ResourceNotFoundException', async (_, sourceArn) => {
    const { store, tasks } = setUp();
    store.addDeadLetterPair('orders');

    const error = await errorOf(tasks.start({ sourceArn }));

    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.message).toBe("The resource that you specified for the SourceArn parameter doesn't exist.");
  });

  it('rejects a source that is no queue’s dead-letter queue', async () => {
    const { store, tasks } = setUp();
    const { source } = store.addDeadLetterPair('orders');

    const error = await errorOf(tasks.start({ sourceArn: arnOf(source.name) }));

    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toBe('Source queue must be configured as a Dead Letter Queue.');
  });

  it('answers a DestinationArn naming no queue with ResourceNotFoundException', async () => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');

    const error = await errorOf(
      tasks.start({ sourceArn: arnOf(dlq.name), destinationArn: arnOf('nowhere') }),
    );

    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.message).toBe(
      "The resource that you specified for the DestinationArn parameter doesn't exist.",
    );
  });

  it('rejects a destination of the other queue type', async () => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');
    const fifo = store.addQueue('elsewhere.fifo', { FifoQueue: 'true' });

    const error = await errorOf(
      tasks.start({ sourceArn: arnOf(dlq.name), destinationArn: arnOf(fifo.name) }),
    );

    expect(error.code).toBe('InvalidParameterValue');
  });

  it('allows one active task per dead-letter queue', async () => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');

    await tasks.start({ sourceArn: arnOf(dlq.name) });
    const error = await errorOf(tasks.start({ sourceArn: arnOf(dlq.name) }));

    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
  });

  it('returns a handle that names the task and its dead-letter queue', async () => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');

    const { taskHandle } = await tasks.start({ sourceArn: arnOf(dlq.name) });

    const [task] = store.tasks.values();
    expect(JSON.parse(Buffer.from(taskHandle, 'base64').toString('utf8'))).toEqual({
      taskId: task?.taskId,
      sourceArn: arnOf(dlq.name),
    });
  });
});

describe('ListMessageMoveTasks', () => {
  it('reports a running task with its handle, ARNs, rate, counts and start time', async () => {
    const { store, tasks, time, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    const destination = store.addQueue('retry');
    store.deadLetter(dlq, source, 4);

    const { taskHandle } = await tasks.start({
      sourceArn: arnOf(dlq.name),
      destinationArn: arnOf(destination.name),
      maxNumberOfMessagesPerSecond: 3,
    });

    expect(await latest(dlq.name)).toEqual({
      taskHandle,
      status: 'RUNNING',
      sourceArn: arnOf(dlq.name),
      destinationArn: arnOf(destination.name),
      maxNumberOfMessagesPerSecond: 3,
      approximateNumberOfMessagesMoved: 0,
      approximateNumberOfMessagesToMove: 4,
      startedTimestamp: time.nowMs,
    });
  });

  it('lists the most recent task first: one by default, up to MaxResults', async () => {
    const { store, tasks, time, startRunner } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');
    startRunner();
    for (let i = 0; i < 3; i++) {
      await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: i + 1 });
      await time.advance(1_000);
    }

    const byDefault = await tasks.list({ sourceArn: arnOf(dlq.name) });
    const upToTen = await tasks.list({ sourceArn: arnOf(dlq.name), maxResults: 10 });

    expect(byDefault.results.map((t) => t.maxNumberOfMessagesPerSecond)).toEqual([3]);
    expect(upToTen.results.map((t) => t.maxNumberOfMessagesPerSecond)).toEqual([3, 2, 1]);
    expect(upToTen.results.map((t) => t.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(upToTen.results.filter((t) => 'taskHandle' in t)).toEqual([]);
  });

  it.each([0, 11])('rejects MaxResults %i', async (maxResults) => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');

    const error = await errorOf(tasks.list({ sourceArn: arnOf(dlq.name), maxResults }));

    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toContain('MaxResults');
  });

  it('answers a SourceArn naming no queue with ResourceNotFoundException', async () => {
    const { tasks } = setUp();

    const error = await errorOf(tasks.list({ sourceArn: arnOf('missing') }));

    expect(error.code).toBe('ResourceNotFoundException');
  });
});

describe('CancelMessageMoveTask', () => {
  it('rejects a TaskHandle that is not one', async () => {
    const { tasks } = setUp();

    const error = await errorOf(tasks.cancel({ taskHandle: 'foobared' }));

    expect(error.code).toBe('InvalidParameterValue');
    expect(error.message).toBe('Value for parameter TaskHandle is invalid.');
  });

  it('answers a handle whose queue does not exist with ResourceNotFoundException for SourceArn', async () => {
    const { tasks } = setUp();
    const taskHandle = encodeTaskHandle('10f57157-fc38-4da9-a113-4de7e12d05dd', arnOf('gone'));

    const error = await errorOf(tasks.cancel({ taskHandle }));

    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.message).toBe("The resource that you specified for the SourceArn parameter doesn't exist.");
  });

  it('answers a handle naming no task of an existing queue with "Task does not exist."', async () => {
    const { store, tasks } = setUp();
    const { dlq } = store.addDeadLetterPair('orders');
    const taskHandle = encodeTaskHandle('10f57157-fc38-4da9-a113-4de7e12d05aa', arnOf(dlq.name));

    const error = await errorOf(tasks.cancel({ taskHandle }));

    expect(error.code).toBe('ResourceNotFoundException');
    expect(error.message).toBe('Task does not exist.');
  });

  it('ends a task no runner holds as CANCELLED at once, freeing its queue for a new task', async () => {
    const { store, tasks, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 3);
    const { taskHandle } = await tasks.start({ sourceArn: arnOf(dlq.name) });

    const { approximateNumberOfMessagesMoved } = await tasks.cancel({ taskHandle });
    const cancelled = await latest(dlq.name);
    await tasks.start({ sourceArn: arnOf(dlq.name) });

    expect(approximateNumberOfMessagesMoved).toBe(0);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', approximateNumberOfMessagesToMove: 3 });
    expect(cancelled).not.toHaveProperty('taskHandle');
    expect(store.bodies(dlq)).toHaveLength(3);
  });

  it('refuses a task that has already finished', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 2);
    startRunner();
    const { taskHandle } = await tasks.start({ sourceArn: arnOf(dlq.name) });
    await time.advance(100);

    const error = await errorOf(tasks.cancel({ taskHandle }));

    expect((await latest(dlq.name)).status).toBe('COMPLETED');
    expect(error.code).toBe('ResourceNotFoundException');
  });

  it('stops a running task after its current step: moved messages stay moved, the rest stay put', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 10);
    startRunner();
    const { taskHandle } = await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 1 });
    await time.advance(2_500);

    await tasks.cancel({ taskHandle });
    await time.settle();
    const cancelled = await latest(dlq.name);
    await time.advance(5_000);

    expect(cancelled).toMatchObject({ status: 'CANCELLED', approximateNumberOfMessagesMoved: 3 });
    expect(store.bodies(source)).toEqual(['m0', 'm1', 'm2']);
    expect(store.bodies(dlq)).toHaveLength(7);
    expect((await latest(dlq.name)).approximateNumberOfMessagesMoved).toBe(3);
  });
});

describe('Move task runner', () => {
  it('moves every message back to the queue it came from, then completes', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    const other = store.addQueue('billing', {
      RedrivePolicy: store.queues.get('orders')?.attributes.RedrivePolicy ?? '',
    });
    store.deadLetter(dlq, source, 3, 'orders-');
    store.deadLetter(dlq, other, 2, 'billing-');
    startRunner();

    await tasks.start({ sourceArn: arnOf(dlq.name) });
    await time.advance(0);

    expect(await latest(dlq.name)).toMatchObject({
      status: 'COMPLETED',
      approximateNumberOfMessagesMoved: 5,
      approximateNumberOfMessagesToMove: 5,
    });
    expect(store.bodies(source)).toEqual(['orders-0', 'orders-1', 'orders-2']);
    expect(store.bodies(other)).toEqual(['billing-0', 'billing-1']);
    expect(store.bodies(dlq)).toEqual([]);
  });

  it('moves batches back to back without a rate', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 95);
    startRunner();

    await tasks.start({ sourceArn: arnOf(dlq.name) });
    await time.settle();

    expect((await latest(dlq.name)).status).toBe('COMPLETED');
    expect(store.bodies(source)).toHaveLength(95);
    expect(store.redriveCalls).toBe(10);
  });

  it('keeps to MaxNumberOfMessagesPerSecond', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 50);
    startRunner();

    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 10 });
    // Sampled just before each whole second: the first message moves at once, one more every 100 ms.
    const movedBySecond: number[] = [];
    await time.advance(999);
    for (let second = 1; second <= 6; second++) {
      movedBySecond.push(store.bodies(source).length);
      await time.advance(1_000);
    }

    expect(movedBySecond).toEqual([10, 20, 30, 40, 50, 50]);
    expect((await latest(dlq.name)).status).toBe('COMPLETED');
  });

  it('moves no more messages than the dead-letter queue held at the start', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 3, 'early-');
    startRunner();

    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 1 });
    store.deadLetter(dlq, source, 2, 'late-');
    await time.advance(10_000);

    expect(await latest(dlq.name)).toMatchObject({
      status: 'COMPLETED',
      approximateNumberOfMessagesMoved: 3,
    });
    expect(store.bodies(source)).toEqual(['early-0', 'early-1', 'early-2']);
    expect(store.bodies(dlq)).toEqual(['late-0', 'late-1']);
  });

  it('fails a task whose destination queue was deleted, leaving what it moved', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    const destination = store.addQueue('retry');
    store.deadLetter(dlq, source, 10);
    startRunner();
    await tasks.start({
      sourceArn: arnOf(dlq.name),
      destinationArn: arnOf(destination.name),
      maxNumberOfMessagesPerSecond: 1,
    });
    await time.advance(2_500);

    store.deleteQueue(destination.name);
    await time.advance(2_000);

    expect(await latest(dlq.name)).toMatchObject({
      status: 'FAILED',
      failureReason: 'AWS.SimpleQueueService.NonExistentQueue',
      approximateNumberOfMessagesMoved: 3,
    });
    expect(store.bodies(dlq)).toHaveLength(7);
  });

  it('fails a task whose dead-letter queue was deleted', async () => {
    const { store, tasks, time, startRunner } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 10);
    startRunner();
    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 1 });
    await time.advance(1_500);

    store.deleteQueue(dlq.name);
    store.addQueue(dlq.name);
    await time.advance(2_000);
    const [task] = store.tasks.values();

    expect(task).toMatchObject({
      status: 'FAILED',
      failureReason: 'AWS.SimpleQueueService.NonExistentQueue',
    });
    expect(await store.listActiveMoveTasks()).toEqual([]);
  });

  it('retries a step that failed', async () => {
    const { store, tasks, time, startRunner, latest, errors } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 5);
    startRunner();
    store.failNextRedrive = true;

    await tasks.start({ sourceArn: arnOf(dlq.name) });
    await time.advance(1_000);

    expect(errors).toHaveLength(1);
    expect((await latest(dlq.name)).status).toBe('COMPLETED');
    expect(store.bodies(source)).toHaveLength(5);
  });
});

describe('Move task leases', () => {
  it('lets one runner at a time move a task', async () => {
    const { store, tasks, time, startRunner } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 10);
    startRunner('runner-a');
    startRunner('runner-b', { local: false });

    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 1 });
    await time.advance(6_000);
    const [task] = store.tasks.values();

    expect(task?.leaseOwner).toBe('runner-a');
    expect(store.redriveCalls).toBeLessThanOrEqual(7);
    expect(new Set(store.bodies(source)).size).toBe(store.bodies(source).length);
  });

  it('hands a task over at once when its runner stops, with the count it reached', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 6);
    const first = startRunner('runner-a');
    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 1 });
    await time.advance(2_500);

    await first.stop();
    const released = await latest(dlq.name);
    startRunner('runner-b');
    await time.advance(10_000);

    expect(released).toMatchObject({ status: 'RUNNING', approximateNumberOfMessagesMoved: 3 });
    expect(await latest(dlq.name)).toMatchObject({
      status: 'COMPLETED',
      approximateNumberOfMessagesMoved: 6,
    });
    expect(store.bodies(source)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('takes over the task of a crashed runner once its lease expires', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 4);
    await tasks.start({ sourceArn: arnOf(dlq.name) });
    const [task] = store.tasks.values();
    if (!task) throw new Error('no task');
    await store.leaseMoveTask(task, 'crashed', time.nowMs, time.nowMs + 15_000);
    startRunner('runner-b', { local: false });

    await time.advance(14_000);
    const whileLeased = await latest(dlq.name);
    await time.advance(6_000);

    expect(whileLeased).toMatchObject({ status: 'RUNNING', approximateNumberOfMessagesMoved: 0 });
    expect(store.bodies(source)).toHaveLength(4);
    expect(await latest(dlq.name)).toMatchObject({
      status: 'COMPLETED',
      approximateNumberOfMessagesMoved: 4,
    });
  });

  it('finishes a cancel that no runner saw once a runner takes the task', async () => {
    const { store, tasks, time, startRunner, latest } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 4);
    const { taskHandle } = await tasks.start({ sourceArn: arnOf(dlq.name) });
    const [task] = store.tasks.values();
    if (!task) throw new Error('no task');
    await store.leaseMoveTask(task, 'crashed', time.nowMs, time.nowMs + 15_000);
    await tasks.cancel({ taskHandle });
    const cancelling = await latest(dlq.name);
    startRunner('runner-b', { local: false });

    await time.advance(20_000);

    expect(cancelling.status).toBe('CANCELLING');
    expect(await latest(dlq.name)).toMatchObject({
      status: 'CANCELLED',
      approximateNumberOfMessagesMoved: 0,
    });
    expect(store.bodies(dlq)).toHaveLength(4);
  });

  it('runs tasks until a deadline, then releases them (runOnce)', async () => {
    const { store, tasks, time } = setUp();
    const { source, dlq } = store.addDeadLetterPair('orders');
    store.deadLetter(dlq, source, 10);
    await tasks.start({ sourceArn: arnOf(dlq.name), maxNumberOfMessagesPerSecond: 2 });
    const runner = new MoveTaskRunner({
      store: store.asStore(),
      clock: time.clock,
      sleep: time.sleep,
      accountId: ACCOUNT_ID,
      region: REGION,
      ownerId: 'scheduled',
    });

    const run = runner.runOnce(time.nowMs + 2_000);
    await time.advance(2_000);
    await run;
    const [task] = store.tasks.values();

    expect(task).toMatchObject({ status: 'RUNNING', moved: 4 });
    expect(task?.leaseUntilMs).toBeLessThanOrEqual(time.nowMs);
    expect(store.bodies(source)).toHaveLength(4);
  });
});

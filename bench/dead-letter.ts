/**
 * DynamoDB work of dead-letter queues, uncontended, through the SQS API of the service's own process: the
 * receive that moves a message to its dead-letter queue, and a message move task that redrives messages back
 * to their source. docs/performance.md ("Dead-letter queues and redrive") records the figures.
 */
import { performance } from 'node:perf_hooks';
import {
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import { type ActionCost, add, perMessage, scale, subtract, ZERO } from './cost-per-action.js';
import {
  countMessages,
  createDeadLetterPair,
  type DeadLetterPair,
  fillDeadLetterQueue,
  QUEUE_KINDS,
  type QueueKind,
  receiveNow,
  sendBatch,
} from './dead-letter-queues.js';
import { log, overHttp } from './measure.js';
import type { ServerProcess } from './server-handle.js';
import { sleep } from './stats.js';
import { BodyFactory } from './workload.js';

/** Reads a server process's capacity meter. */
type Meter = () => Promise<CapacitySnapshot>;

/** One move to a dead-letter queue, from the receive that made it. */
export interface DeadLetterMoveCost {
  readonly rounds: number;
  /** The receive that found the message received maxReceiveCount times and moved it, per move. */
  readonly movingReceive: ActionCost;
  /** A receive of the same, now empty, source queue just after. */
  readonly emptyReceive: ActionCost;
  /** `movingReceive` less `emptyReceive`: what the move added to the receive. */
  readonly move: ActionCost;
}

/** One message move task, from StartMessageMoveTask until ListMessageMoveTasks shows it COMPLETED. */
export interface RedriveCost {
  /** ApproximateNumberOfMessagesMoved of the completed task. */
  readonly moved: number;
  /** StartMessageMoveTask sent to COMPLETED seen. */
  readonly seconds: number;
  /** The server's meter over those seconds, everything included. */
  readonly measured: CapacitySnapshot;
  /** ListMessageMoveTasks calls the bench made to see the task end... */
  readonly listCalls: number;
  /** ...and what one costs, measured alone after the task. */
  readonly listCallCost: CapacitySnapshot;
  /** The runner's idle polling over those seconds (measured rate × duration), subtracted. */
  readonly idlePolling: CapacitySnapshot;
  /** `measured` less the list calls and the idle polling, per message moved: the task's own work. */
  readonly perMessage: ActionCost;
  /** Messages in the source queue after the task (all of them should be back). */
  readonly inSourceAfter: number;
  readonly inDeadLetterQueueAfter: number;
}

export interface DeadLetterResult {
  readonly moveRounds: number;
  readonly redriveMessages: number;
  readonly move: Record<QueueKind, DeadLetterMoveCost>;
  readonly redrive: Record<QueueKind, RedriveCost>;
  /** How long the runner's idle polling was metered, with nothing to move. */
  readonly idleSeconds: number;
  readonly idlePollingPerSecond: CapacitySnapshot;
}

export interface DeadLetterBench {
  /** The server every other measurement uses; it runs no move tasks. */
  readonly service: ServerProcess;
  /** Forks a second server process on the same table, with the move task runner on. */
  startMover(): Promise<ServerProcess>;
  readonly moveRounds: number;
  readonly redriveMessages: number;
}

/** Seconds of the runner's idle polling metered before the tasks: three polls at its 5 s interval. */
const IDLE_MS = 15_000;
/** Pause between the ListMessageMoveTasks calls that wait for a task to end. */
const LIST_INTERVAL_MS = 200;
/** ListMessageMoveTasks calls metered one at a time after each task, for the cost of one. */
const LIST_SAMPLES = 5;
const TASK_TIMEOUT_MS = 120_000;

/**
 * Measures dead-letter moves on the bench's server, then forks a server that runs move tasks, fills a
 * dead-letter queue of each kind while metering that server's idle polling, and redrives each one.
 */
export async function measureDeadLetter(bench: DeadLetterBench): Promise<DeadLetterResult> {
  const serviceMeter = async () => (await bench.service.snapshot()).capacity;
  const move = {} as Record<QueueKind, DeadLetterMoveCost>;
  for (const kind of QUEUE_KINDS) {
    log(`  ${kind}: ${bench.moveRounds} moves to the dead-letter queue`);
    move[kind] = await overHttp(bench.service, (client) =>
      measureDeadLetterMove(client, serviceMeter, kind, bench.moveRounds),
    );
  }

  log('  a second server process, running move tasks');
  const mover = await bench.startMover();
  try {
    const moverMeter = async () => (await mover.snapshot()).capacity;
    const idleStart = await moverMeter();
    const idleStartMs = performance.now();
    const bodies = new BodyFactory();
    const pairs = {} as Record<QueueKind, DeadLetterPair>;
    for (const kind of QUEUE_KINDS) {
      log(`  ${kind}: ${bench.redriveMessages} messages into a dead-letter queue (through the first server)`);
      pairs[kind] = await overHttp(bench.service, async (client) => {
        const pair = await createDeadLetterPair(client, `bench-redrive-${kind}`, kind);
        await fillDeadLetterQueue(client, pair, bodies, bench.redriveMessages);
        return pair;
      });
    }
    await sleep(idleStartMs + IDLE_MS - performance.now());
    const idleSeconds = (performance.now() - idleStartMs) / 1000;
    const idlePollingPerSecond = scale(subtract(await moverMeter(), idleStart), 1 / idleSeconds);

    const redrive = {} as Record<QueueKind, RedriveCost>;
    for (const kind of QUEUE_KINDS) {
      log(`  ${kind}: a move task redrives ${bench.redriveMessages} messages`);
      redrive[kind] = await overHttp(mover, (client) =>
        measureRedrive(client, moverMeter, pairs[kind], idlePollingPerSecond),
      );
    }
    return {
      moveRounds: bench.moveRounds,
      redriveMessages: bench.redriveMessages,
      move,
      redrive,
      idleSeconds,
      idlePollingPerSecond,
    };
  } finally {
    await mover.stop();
  }
}

/**
 * `rounds` times, on a fresh pair with maxReceiveCount 1: send one message, receive it (VisibilityTimeout 0),
 * then meter the next receive, which moves it, and one more receive of the now empty queue.
 */
async function measureDeadLetterMove(
  client: SQSClient,
  meter: Meter,
  kind: QueueKind,
  rounds: number,
): Promise<DeadLetterMoveCost> {
  const pair = await createDeadLetterPair(client, `bench-dlq-move-${kind}`, kind);
  const bodies = new BodyFactory();
  const metered = async (): Promise<CapacitySnapshot> => {
    const before = await meter();
    const received = await receiveNow(client, pair.sourceUrl, 1);
    if (received !== 0)
      throw new Error(`${kind} dead-letter move: a receive returned a message it should not`);
    return subtract(await meter(), before);
  };
  let moving = ZERO;
  let empty = ZERO;
  for (let round = 0; round < rounds; round++) {
    await sendBatch(client, pair, bodies.next(1));
    if ((await receiveNow(client, pair.sourceUrl, 1)) !== 1)
      throw new Error(`${kind} dead-letter move: the first receive did not return the message just sent`);
    moving = add(moving, await metered());
    empty = add(empty, await metered());
  }
  const inDeadLetterQueue = await countMessages(client, pair.deadLetterUrl);
  if (inDeadLetterQueue !== rounds) {
    throw new Error(
      `${kind} dead-letter move: ${inDeadLetterQueue} messages in the dead-letter queue after ${rounds} moves`,
    );
  }
  return {
    rounds,
    movingReceive: perMessage(moving, rounds),
    emptyReceive: perMessage(empty, rounds),
    move: perMessage(subtract(moving, empty), rounds),
  };
}

/**
 * Starts a task with no rate and no destination (back to each message's source), polls ListMessageMoveTasks
 * until it ends, and meters the server over that time; then meters ListMessageMoveTasks alone, to take the
 * polling out again.
 */
async function measureRedrive(
  client: SQSClient,
  meter: Meter,
  pair: DeadLetterPair,
  idlePollingPerSecond: CapacitySnapshot,
): Promise<RedriveCost> {
  const before = await meter();
  const startedMs = performance.now();
  await client.send(new StartMessageMoveTaskCommand({ SourceArn: pair.deadLetterArn }));
  let listCalls = 0;
  let task: ListMessageMoveTasksResultEntry;
  do {
    if (performance.now() - startedMs > TASK_TIMEOUT_MS)
      throw new Error(`${pair.kind} redrive: the task did not end within ${TASK_TIMEOUT_MS / 1000} s`);
    await sleep(LIST_INTERVAL_MS);
    task = await latestTask(client, pair);
    listCalls++;
  } while (task.Status === 'RUNNING');
  const measured = subtract(await meter(), before);
  const seconds = (performance.now() - startedMs) / 1000;
  if (task.Status !== 'COMPLETED')
    throw new Error(
      `${pair.kind} redrive: the task ended ${task.Status} (${task.FailureReason ?? 'no reason'})`,
    );

  let lists = ZERO;
  for (let i = 0; i < LIST_SAMPLES; i++) {
    await sleep(LIST_INTERVAL_MS);
    const listBefore = await meter();
    await latestTask(client, pair);
    lists = add(lists, subtract(await meter(), listBefore));
  }
  const listCallCost = scale(lists, 1 / LIST_SAMPLES);
  const idlePolling = scale(idlePollingPerSecond, seconds);
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  const own = subtract(subtract(measured, scale(listCallCost, listCalls)), idlePolling);
  const [inSourceAfter, inDeadLetterQueueAfter] = await Promise.all([
    countMessages(client, pair.sourceUrl),
    countMessages(client, pair.deadLetterUrl),
  ]);
  if (inSourceAfter !== moved || inDeadLetterQueueAfter !== 0) {
    log(
      `  ${pair.kind} redrive: ${moved} moved, but ${inSourceAfter} in the source and ${inDeadLetterQueueAfter} left in the dead-letter queue`,
    );
  }
  return {
    moved,
    seconds,
    measured,
    listCalls,
    listCallCost,
    idlePolling,
    perMessage: perMessage(own, moved),
    inSourceAfter,
    inDeadLetterQueueAfter,
  };
}

/** The dead-letter queue's most recent task. */
async function latestTask(client: SQSClient, pair: DeadLetterPair): Promise<ListMessageMoveTasksResultEntry> {
  const out = await client.send(
    new ListMessageMoveTasksCommand({ SourceArn: pair.deadLetterArn, MaxResults: 1 }),
  );
  const [task] = out.Results ?? [];
  if (!task) throw new Error(`${pair.kind} redrive: ListMessageMoveTasks returned no task`);
  return task;
}

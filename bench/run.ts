/**
 * `npm run bench [-- --json] [--seconds N] [--only 8x8-b10]`: throughput, latency and DynamoDB capacity of
 * the full SQS API, on Standard and FIFO queues, next to a raw-DynamoDB floor, all on one DynamoDB Local the
 * bench starts itself. The service runs in its own Node process (bench/server-process.ts), wired as
 * `npm start` wires it; this process is the load driver: the SQS clients, and the floor's raw DynamoDB calls.
 * docs/performance.md describes the method and records the figures.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BenchOptions, parseArgs, USAGE, UsageError } from './args.js';
import { runConsumersBench } from './consumers.js';
import { type LifecycleCost, measureCostPerAction, standardCostQueue } from './cost-per-action.js';
import { type DeadLetterResult, measureDeadLetter } from './dead-letter.js';
import { DUMMY_CREDENTIALS, type LocalDynamo, REGION, startLocalDynamo } from './dynamo-local.js';
import { type FifoBench, measureFifoCostPerAction, runFifo, warmUpFifo } from './fifo-runs.js';
import { FIFO_GROUPS } from './fifo-target.js';
import { createFloorTable, FloorTarget } from './floor-target.js';
import { measureLongPollWake } from './long-poll.js';
import { describeMachine } from './machine.js';
import { log, measure, NO_HOOKS, overHttp } from './measure.js';
import type { MeterReading, Pids } from './probe.js';
import type { BenchReport, ConfigRun, RunFigures } from './report.js';
import type { FifoReport } from './report-fifo.js';
import { toJson } from './report-json.js';
import { toText } from './report-text.js';
import { type ServerProcess, startServerProcess } from './server-handle.js';
import { createQueue, SqsTarget } from './sqs-target.js';
import { runTopicsBench } from './topics.js';
import {
  type BenchConfig,
  BODY_BYTES,
  CONFIGS,
  FIFO_CONFIGS,
  runWorkload,
  VISIBILITY_TIMEOUT_SECONDS,
} from './workload.js';

/** Unmeasured load before the first run, one per code path (single and batch actions). */
const WARMUP_CONFIGS = CONFIGS.filter((c) => c.consumers > 1);

/** Uncontended lifecycles per batch size for the per-action cost table. */
const COST_ROUNDS = 30;
/** Messages moved to a dead-letter queue, one at a time, per kind of queue. */
const DEAD_LETTER_MOVES = 20;
/** Messages a move task redrives, per kind of queue. */
const REDRIVE_MESSAGES = 50;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    log(USAGE);
    return;
  }
  const options = parseArgs(argv);
  if (options.consumers) {
    if (options.json) console.log = console.error;
    await runConsumersBench(options);
    return;
  }
  if (options.topics) {
    if (options.json) console.log = console.error;
    await runTopicsBench(options);
    return;
  }
  const {
    standard: configs,
    fifo: fifoConfigs,
    deadLetter: measureDeadLetters,
  } = selectConfigs(options.only);
  if (options.json) {
    // stdout carries exactly one JSON object; anything a dependency logs goes to stderr instead.
    console.log = console.error;
    console.info = console.error;
  }
  const started = performance.now();
  const loadAtStart = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  const cleanups: (() => Promise<void> | void)[] = [];
  let dynamo: LocalDynamo | undefined;
  let server: ServerProcess | undefined;
  // Known as soon as it is forked, so that a Ctrl-C while it starts still kills it.
  let serverPid: number | undefined;
  // The second server process, which runs move tasks for the redrive measurement.
  let mover: ServerProcess | undefined;
  let moverPid: number | undefined;
  const killAll = () => {
    if (server) server.killNow();
    else if (serverPid !== undefined) killPid(serverPid);
    if (mover) mover.killNow();
    else if (moverPid !== undefined) killPid(moverPid);
    dynamo?.killNow();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(
      `\n${signal}: stopping the server process (pid ${serverPid ?? '-'}${moverPid !== undefined ? `, ${moverPid}` : ''}) and DynamoDB Local (pid ${dynamo?.pid ?? '-'})`,
    );
    killAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAll);

  try {
    log('starting DynamoDB Local (in memory)...');
    dynamo = await startLocalDynamo();
    const local = dynamo;
    cleanups.push(() => local.stop());
    log(`DynamoDB Local pid ${local.pid} at ${local.endpoint}`);

    const runId = randomBytes(4).toString('hex');
    const tableName = `bench-${runId}`;
    log('starting the service in its own process...');
    const service = await startServerProcess(
      {
        dynamodbEndpoint: local.endpoint,
        tableName,
        byAction: options.byAction,
        runMoveTasks: false,
        auth: options.auth,
      },
      (pid) => {
        serverPid = pid;
      },
    );
    server = service;
    cleanups.push(() => service.stop());
    log(`server process pid ${service.pid} at ${service.url}`);
    const pids: Pids = { serverPid: service.pid, javaPid: local.pid };
    const serviceMeter = async (): Promise<MeterReading> => service.snapshot();
    const floorClient = new DynamoDBClient({
      endpoint: local.endpoint,
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
    });
    cleanups.push(() => floorClient.destroy());
    const floorTable = `floor-${runId}`;
    await createFloorTable(floorClient, floorTable);
    log(`service table bench-${runId}, floor table ${floorTable}`);

    const timing = { warmupMs: options.warmupSeconds * 1000, windowMs: options.windowSeconds * 1000 };
    const measureFloor = (config: BenchConfig): Promise<RunFigures> => {
      const floor = new FloorTarget(floorClient, floorTable, `F#${config.name}`, config.batchSize);
      return measure(
        'floor',
        floor,
        () => ({ capacity: floor.meter.total.snapshot(), byAction: floor.meter.snapshot() }),
        config,
        timing,
        pids,
      );
    };
    const fifoBench: FifoBench = { service, serviceMeter, pids, timing, measureFloor };
    if (options.warmupSeconds > 0) {
      // Both JITs (DynamoDB Local's JVM and V8) run cold code several times slower: without this, whichever
      // run comes first would be measured at a disadvantage.
      log('\nwarming up DynamoDB Local and the service (not measured)');
      const warmup = { warmupMs: timing.warmupMs, windowMs: 0 };
      for (const config of WARMUP_CONFIGS) {
        await overHttp(service, async (client) => {
          const queueUrl = await createQueue(client, `bench-warmup-${config.name}`);
          await runWorkload(new SqsTarget(client, queueUrl, config.batchSize), config, warmup, NO_HOOKS, log);
        });
        const floor = new FloorTarget(floorClient, floorTable, `W#${config.name}`, config.batchSize);
        await runWorkload(floor, config, warmup, NO_HOOKS, log);
      }
      if (fifoConfigs.length) await warmUpFifo(fifoBench);
    }
    const runs: ConfigRun[] = [];
    for (const config of configs) {
      log(
        `\n${config.name}: ${config.producers} producers, ${config.consumers} consumers, batch ${config.batchSize}`,
      );
      const serviceFigures = await overHttp(service, async (client) => {
        const queueUrl = await createQueue(client, `bench-${config.name}`);
        const target = new SqsTarget(client, queueUrl, config.batchSize);
        return measure('service', target, serviceMeter, config, timing, pids);
      });
      runs.push({ config, service: serviceFigures, floor: await measureFloor(config) });
    }
    const fifoRuns = fifoConfigs.length ? await runFifo(fifoBench, fifoConfigs, runs) : [];

    let longPoll: BenchReport['longPoll'];
    if (options.longPollRounds > 0) {
      log(`\nlong-poll wake-up, ${options.longPollRounds} rounds`);
      longPoll = await overHttp(service, async (client) =>
        measureLongPollWake(client, await createQueue(client, 'bench-long-poll'), options.longPollRounds),
      );
    }

    log('\nDynamoDB work per action, uncontended');
    const costPerAction: Record<string, LifecycleCost> = {};
    for (const batchSize of [1, 10]) {
      costPerAction[`b${batchSize}`] = await overHttp(service, async (client) =>
        measureCostPerAction(
          async () => (await service.snapshot()).capacity,
          await standardCostQueue(client, `bench-cost-b${batchSize}`, batchSize),
          batchSize,
          COST_ROUNDS,
        ),
      );
    }
    let fifo: FifoReport | undefined;
    if (fifoConfigs.length) {
      log('FIFO: DynamoDB work per action, uncontended');
      const cost = await measureFifoCostPerAction(fifoBench, COST_ROUNDS);
      fifo = { groups: FIFO_GROUPS, runs: fifoRuns, ...cost };
    }
    let deadLetter: DeadLetterResult | undefined;
    if (measureDeadLetters) {
      log('\ndead-letter queues: moves and redrive, uncontended');
      deadLetter = await measureDeadLetter({
        service,
        moveRounds: DEAD_LETTER_MOVES,
        redriveMessages: REDRIVE_MESSAGES,
        startMover: async () => {
          mover = await startServerProcess(
            {
              dynamodbEndpoint: local.endpoint,
              tableName,
              byAction: false,
              runMoveTasks: true,
              auth: options.auth,
            },
            (pid) => {
              moverPid = pid;
            },
          );
          const started = mover;
          cleanups.push(() => started.stop());
          log(`  server process pid ${started.pid} at ${started.url}, running move tasks`);
          return started;
        },
      });
    }

    const report: BenchReport = {
      machine: await describeMachine(loadAtStart),
      method: describeMethod(options),
      runs,
      longPoll,
      costPerAction,
      ...(fifo ? { fifo } : {}),
      ...(deadLetter ? { deadLetter } : {}),
      totalSeconds: (performance.now() - started) / 1000,
    };
    if (options.json) process.stdout.write(`${JSON.stringify(toJson(report), null, 2)}\n`);
    else process.stdout.write(`\n${toText(report)}\n`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup failed: ${(error as Error).message}`);
      }
    }
  }
}

/** `--only` names configurations, `standard` / `fifo` for all of one kind, and `dlq`. */
function selectConfigs(only: readonly string[] | undefined): {
  standard: readonly BenchConfig[];
  fifo: readonly BenchConfig[];
  deadLetter: boolean;
} {
  if (!only) return { standard: CONFIGS, fifo: FIFO_CONFIGS, deadLetter: true };
  const known = [...CONFIGS, ...FIFO_CONFIGS].map((c) => c.name);
  const groups = ['standard', 'fifo', 'dlq'];
  const unknown = only.filter((name) => !known.includes(name) && !groups.includes(name));
  if (unknown.length) {
    throw new UsageError(
      `unknown configuration ${unknown.join(', ')}; known: ${groups.join(', ')}, ${known.join(', ')}`,
    );
  }
  const pick = (configs: readonly BenchConfig[], kind: string) =>
    configs.filter((c) => only.includes(kind) || only.includes(c.name));
  return {
    standard: pick(CONFIGS, 'standard'),
    fifo: pick(FIFO_CONFIGS, 'fifo'),
    deadLetter: only.includes('dlq'),
  };
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

function describeMethod(options: BenchOptions): Record<string, unknown> {
  return {
    warmupSeconds: options.warmupSeconds,
    windowSeconds: options.windowSeconds,
    bodyBytes: BODY_BYTES,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    backlogLimit: 'max(200, 40 * batch * consumers)',
    emptyReceivePauseMs: 10,
    sqsClient: '@aws-sdk/client-sqs, AWS JSON 1.0, one keep-alive agent, maxAttempts 1',
    server:
      'own Node process as `npm start` runs it (bench/server-process.ts, forked with tsx: createService with ensureTable, startNodeServer on port 0), one for the whole run; a fresh SQS client per step',
    driver:
      'this process: producers/consumers with @aws-sdk/client-sqs (service runs), raw DynamoDB calls (floor runs)',
    meterReads:
      'service meter read in the server process over IPC at each window edge; CPU of driver, server and DynamoDB Local read at the same edge',
    queueShards: 'service default (4)',
    floor:
      "raw DynamoDB, the service's layout without the SQS layer: a body item (TTL) and a state item keyed by visible-at in one of 4 partitions; send BatchWriteItem of both; receive: partitions in random order, consistent Query sk <= now~ (Limit max(16, 3B), up to 4 pages), per message PutItem of the moved state item + conditional DeleteItem of the old, bodies by eventually consistent BatchGetItem alongside; delete DeleteItem/BatchWriteItem of the state item",
    lifecyclesPerSec: 'messages deleted by calls completed inside the window / window seconds',
    capacity:
      'ReturnConsumedCapacity over the window; a refused conditional write counts 1 WCU and a cancelled transaction its prepare phase (half its price), as AWS bills them',
    fifo: `FIFO queue, ${FIFO_GROUPS} groups: each send call puts its B messages into one random group (explicit deduplication ids); receive B with MessageGroupId and SequenceNumber; compared with the Standard floor of the same shape; order and group locks checked over the whole run (bench/fifo-checker.ts)`,
    splitByAction: options.byAction ? 'AsyncLocalStorage in the server process' : false,
    auth: options.auth
      ? 'SigV4 on: every request verified (key cached per process, local AES-GCM cipher); the floor signs nothing'
      : false,
    longPollWake: 'send start -> receive returned (send done -> receive returned also given)',
    deadLetter:
      'uncontended; source queues with maxReceiveCount 1 and VisibilityTimeout 0. Move: the receive that moves a message minus an empty receive of the same queue, on the main server. Redrive: a second server process with the move task runner on (same table) runs a task with no rate and no destination; its meter from StartMessageMoveTask to COMPLETED (ListMessageMoveTasks every 200 ms), minus those list calls (each metered alone after the task) and the idle polling (rate metered for 15 s before)',
  };
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    log(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});

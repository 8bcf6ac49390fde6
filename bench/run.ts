/**
 * `npm run bench [-- --json] [--seconds N] [--only 8x8-b10]`: throughput, latency and DynamoDB capacity of
 * the full SQS API next to a raw-DynamoDB floor, both on one DynamoDB Local the bench starts itself.
 * docs/performance.md describes the method and records the figures.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_ACCOUNT_ID } from '../lambda/config.js';
import { createService, type Service } from '../lambda/create-service.js';
import { startNodeServer } from '../lambda/entries/node-server.js';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import { ActionMeter, type ActionSnapshots } from './action-meter.js';
import { type BenchOptions, parseArgs, USAGE, UsageError } from './args.js';
import { type LifecycleCost, measureCostPerAction } from './cost-per-action.js';
import { DUMMY_CREDENTIALS, type LocalDynamo, REGION, startLocalDynamo } from './dynamo-local.js';
import { createFloorTable, FloorTarget } from './floor-target.js';
import { measureLongPollWake } from './long-poll.js';
import { describeMachine } from './machine.js';
import { type Probe, takeProbe, windowCost } from './probe.js';
import { type BenchReport, type ConfigRun, type RunFigures, toJson } from './report.js';
import { toText } from './report-text.js';
import { createQueue, createSqsClient, SqsTarget } from './sqs-target.js';
import {
  type BenchConfig,
  BODY_BYTES,
  CONFIGS,
  type QueueTarget,
  type Received,
  runWorkload,
  VISIBILITY_TIMEOUT_SECONDS,
} from './workload.js';

/** Unmeasured load before the first run, one per code path (single and batch actions). */
const WARMUP_CONFIGS = CONFIGS.filter((c) => c.consumers > 1);
const NO_HOOKS = { windowStarted: () => {}, windowEnded: () => {} };

/** Uncontended lifecycles per batch size for the per-action cost table. */
const COST_ROUNDS = 30;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    log(USAGE);
    return;
  }
  const options = parseArgs(argv);
  const configs = selectConfigs(options.only);
  if (options.json) {
    // stdout carries exactly one JSON object; anything a dependency logs goes to stderr instead.
    console.log = console.error;
    console.info = console.error;
  }
  const started = performance.now();
  const loadAtStart = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  const cleanups: (() => Promise<void> | void)[] = [];
  let dynamo: LocalDynamo | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping DynamoDB Local (pid ${dynamo?.pid ?? '-'})`);
    dynamo?.killNow();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => dynamo?.killNow());

  try {
    log('starting DynamoDB Local (in memory)...');
    dynamo = await startLocalDynamo();
    const local = dynamo;
    cleanups.push(() => local.stop());
    log(`DynamoDB Local pid ${local.pid} at ${local.endpoint}`);

    const runId = randomBytes(4).toString('hex');
    const service = await createService(
      {
        tableName: `bench-${runId}`,
        dynamodbEndpoint: local.endpoint,
        accountId: DEFAULT_ACCOUNT_ID,
        region: REGION,
        dynamodbCredentials: DUMMY_CREDENTIALS,
      },
      { ensureTable: true },
    );
    cleanups.push(() => service.close());
    const serviceActions = options.byAction ? new ActionMeter(service.meter) : undefined;
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
    }
    const runs: ConfigRun[] = [];
    for (const config of configs) {
      log(
        `\n${config.name}: ${config.producers} producers, ${config.consumers} consumers, batch ${config.batchSize}`,
      );
      const serviceFigures = await overHttp(
        service,
        async (client) => {
          const queueUrl = await createQueue(client, `bench-${config.name}`);
          const target = new SqsTarget(client, queueUrl, config.batchSize);
          const byAction = serviceActions && (() => serviceActions.snapshot());
          return measure(
            'service',
            target,
            () => service.meter.snapshot(),
            byAction,
            config,
            timing,
            local.pid,
          );
        },
        serviceActions,
      );
      const floor = new FloorTarget(floorClient, floorTable, `F#${config.name}`, config.batchSize);
      const floorFigures = await measure(
        'floor',
        floor,
        () => floor.meter.total.snapshot(),
        () => floor.meter.snapshot(),
        config,
        timing,
        local.pid,
      );
      runs.push({ config, service: serviceFigures, floor: floorFigures });
    }

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
      costPerAction[`b${batchSize}`] = await overHttp(service, (client) =>
        measureCostPerAction(client, service.meter, `bench-cost-b${batchSize}`, batchSize, COST_ROUNDS),
      );
    }

    const report: BenchReport = {
      machine: await describeMachine(loadAtStart),
      method: describeMethod(options),
      runs,
      longPoll,
      costPerAction,
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

async function measure<M extends Received>(
  label: string,
  target: QueueTarget<M>,
  capacity: () => CapacitySnapshot,
  byAction: (() => ActionSnapshots) | undefined,
  config: BenchConfig,
  timing: { warmupMs: number; windowMs: number },
  javaPid: number,
): Promise<RunFigures> {
  let start: Probe | undefined;
  let end: Probe | undefined;
  const workload = await runWorkload(
    target,
    config,
    timing,
    {
      windowStarted: () => {
        start = takeProbe(capacity(), byAction?.(), javaPid);
      },
      windowEnded: () => {
        end = takeProbe(capacity(), byAction?.(), javaPid);
      },
    },
    log,
  );
  if (!start || !end) throw new Error('the measured window did not open and close');
  const cost = windowCost(start, end);
  log(
    `  ${label.padEnd(7)} ${workload.lifecyclesPerSec.toFixed(1)} lifecycles/s, ` +
      `${(cost.writeUnits / workload.lifecycles).toFixed(2)} WCU, ${(cost.readUnits / workload.lifecycles).toFixed(2)} RCU ` +
      `per lifecycle, ${workload.duplicates} duplicates`,
  );
  return { workload, cost };
}

function selectConfigs(only: readonly string[] | undefined): readonly BenchConfig[] {
  if (!only) return CONFIGS;
  const unknown = only.filter((name) => !CONFIGS.some((c) => c.name === name));
  if (unknown.length) {
    throw new UsageError(
      `unknown configuration ${unknown.join(', ')}; known: ${CONFIGS.map((c) => c.name).join(', ')}`,
    );
  }
  return CONFIGS.filter((c) => only.includes(c.name));
}

/**
 * Serves the service on a fresh port for one step and closes server and client after it. A server per step
 * keeps the steps independent of their order: node-server.ts adds a listener to a server-wide AbortSignal on
 * every request and never removes it, so one long-lived server slows down and grows as requests accumulate
 * (reported; see docs/performance.md).
 */
async function overHttp<T>(
  service: Service,
  step: (client: SQSClient) => Promise<T>,
  actions?: ActionMeter,
): Promise<T> {
  const handler = actions ? actions.wrap(service.handler) : service.handler;
  const server = await startNodeServer({ handler, port: 0 });
  const sqs = createSqsClient(server.url);
  try {
    return await step(sqs.client);
  } finally {
    sqs.close();
    await server.close();
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
    server: 'in-process node:http (startNodeServer, port 0), a fresh server and client per step',
    queueShards: 'service default (4)',
    floor:
      'raw DynamoDB, one item per message in one partition: PutItem/BatchWriteItem; consistent Query (filter visible, Limit max(32, 3B)) + conditional UpdateItem per message; DeleteItem/BatchWriteItem',
    lifecyclesPerSec: 'messages deleted by calls completed inside the window / window seconds',
    capacity:
      'ReturnConsumedCapacity over the window; a failed conditional write counts 1 WCU, as AWS bills it',
    splitByAction: options.byAction,
    longPollWake: 'send start -> receive returned (send done -> receive returned also given)',
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

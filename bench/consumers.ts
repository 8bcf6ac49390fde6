/**
 * `npm run bench -- --consumers`: local consumers (`npm start`'s), for a Standard and a FIFO queue. Send-to-invoke
 * latency (from the SendMessage call to the handler's start, one message at a time), records per second through
 * a consumer (batch 10, maxConcurrency 8) draining a backlog, and invocations and receives per minute while the
 * queue stays empty (must be 0). The service runs in this process, as `npm start` runs it, on DynamoDB Local.
 * docs/performance.md, "Consumers", records the figures.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  CreateQueueCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LocalConsumerHost } from '../lambda/consumers/local-host.js';
import type { Invoker } from '../lambda/consumers/ports.js';
import { validateConsumerSettings } from '../lambda/consumers/settings.js';
import { createService } from '../lambda/create-service.js';
import { combineActivity, NO_ACTIVITY } from '../lambda/engine/activity.js';
import { startNodeServer } from '../lambda/entries/node-server.js';
import type { BenchOptions } from './args.js';
import { DUMMY_CREDENTIALS, REGION, startLocalDynamo } from './dynamo-local.js';
import { describeMachine } from './machine.js';
import { log } from './measure.js';
import { LatencyRecorder, type LatencySummary, round } from './stats.js';

/** Messages sent one at a time for the latency figures. */
const LATENCY_ROUNDS = 200;
/** Backlog drained for the throughput figure. */
const BACKLOG = 2_000;
const FIFO_GROUPS = 64;

export interface ConsumerRun {
  readonly queue: 'standard' | 'fifo';
  /** SendMessage call to handler start, one message at a time, in ms. */
  readonly sendToInvoke: LatencySummary;
  /** Records handled per second draining BACKLOG messages with batch 10 and maxConcurrency 8. */
  readonly recordsPerSec: number;
  readonly invocations: number;
  /** While the queue stays empty with a consumer attached, scaled to a minute. */
  readonly idle: {
    readonly seconds: number;
    readonly invocationsPerMinute: number;
    readonly receivesPerMinute: number;
  };
}

export async function runConsumersBench(options: BenchOptions): Promise<void> {
  const started = performance.now();
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  log('starting DynamoDB Local (in memory)...');
  const dynamo = await startLocalDynamo();
  const host = new LocalConsumerHost({ log: { info: () => {}, error: (line) => log(line) } });
  const receives = new Map<string, number>();
  const counter = {
    ...NO_ACTIVITY,
    messagesReceived: (queueName: string) => receives.set(queueName, (receives.get(queueName) ?? 0) + 1),
  };
  const service = await createService(
    {
      tableName: `bench-consumers-${randomBytes(4).toString('hex')}`,
      dynamodbEndpoint: dynamo.endpoint,
      dynamodbCredentials: DUMMY_CREDENTIALS,
      accountId: '000000000000',
      region: REGION,
    },
    { ensureTable: true, metrics: combineActivity(host, counter) },
  );
  const server = await startNodeServer({ handler: service.handler, port: 0 });
  const sqs = new SQSClient({ endpoint: server.url, region: REGION, credentials: DUMMY_CREDENTIALS });
  host.start();
  const runs: ConsumerRun[] = [];
  try {
    for (const kind of ['standard', 'fifo'] as const) {
      log(`\n${kind}: send-to-invoke latency, throughput, idle invocations`);
      runs.push(
        await benchQueue(kind, {
          sqs,
          host,
          engine: service.engine,
          receives,
          idleSeconds: options.windowSeconds,
        }),
      );
    }
  } finally {
    await host.stop();
    await server.close();
    sqs.destroy();
    await service.close();
    await dynamo.stop();
  }
  const machine = await describeMachine(loadAtStart);
  const report = { machine, runs, totalSeconds: round((performance.now() - started) / 1000, 1) };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  console.log(
    '\nqueue     send->invoke p50 / p99 / max (ms)   records/s   invocations   idle invocations/min   idle receives/min',
  );
  for (const run of runs) {
    const latency = `${run.sendToInvoke.p50} / ${run.sendToInvoke.p99} / ${run.sendToInvoke.max}`;
    console.log(
      `${run.queue.padEnd(10)}${latency.padEnd(36)}${String(run.recordsPerSec).padEnd(12)}${String(run.invocations).padEnd(14)}${String(run.idle.invocationsPerMinute).padEnd(23)}${run.idle.receivesPerMinute}`,
    );
  }
  console.log(
    `\n${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverage1m.start} -> ${machine.loadAverage1m.end}; ${report.totalSeconds} s`,
  );
}

interface Context {
  readonly sqs: SQSClient;
  readonly host: LocalConsumerHost;
  readonly engine: Parameters<LocalConsumerHost['attach']>[0];
  readonly receives: Map<string, number>;
  readonly idleSeconds: number;
}

async function benchQueue(kind: 'standard' | 'fifo', context: Context): Promise<ConsumerRun> {
  const { sqs, host, engine, receives } = context;
  const fifo = kind === 'fifo';
  const suffix = fifo ? '.fifo' : '';
  const create = async (name: string) =>
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {} }),
      )
    ).QueueUrl as string;
  const id = randomBytes(3).toString('hex');
  const group = (index: number) =>
    fifo ? { MessageGroupId: `g-${index % FIFO_GROUPS}`, MessageDeduplicationId: `d-${index}` } : {};
  const consume = (queueName: string, invoker: Invoker) => {
    const validated = validateConsumerSettings({ queueName, batchSize: 10, maxConcurrency: 8 }, fifo);
    if ('issues' in validated) throw new Error(validated.issues[0]?.problem);
    host.attach(engine, [{ label: 'bench', settings: validated.settings, invoker }]);
  };

  // Latency: one message at a time, each awaited at the handler before the next is sent.
  const latencyQueue = `consumers-latency-${id}${suffix}`;
  const latencyUrl = await create(latencyQueue);
  let arrived: ((atMs: number) => void) | undefined;
  consume(latencyQueue, async () => {
    arrived?.(performance.now());
    return { kind: 'returned', payload: null };
  });
  const latency = new LatencyRecorder();
  for (let round = 0; round < LATENCY_ROUNDS; round += 1) {
    const invoked = new Promise<number>((resolve) => {
      arrived = resolve;
    });
    const sentAt = performance.now();
    await sqs.send(
      new SendMessageCommand({ QueueUrl: latencyUrl, MessageBody: `m-${round}`, ...group(round) }),
    );
    latency.record((await invoked) - sentAt);
  }
  log(`  send->invoke: ${JSON.stringify(latency.summary())}`);

  // Throughput: a backlog sent first, then drained by a consumer attached afterwards.
  const backlogQueue = `consumers-backlog-${id}${suffix}`;
  const backlogUrl = await create(backlogQueue);
  for (let start = 0; start < BACKLOG; start += 100) {
    await Promise.all(
      Array.from({ length: 10 }, (_, batch) =>
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: backlogUrl,
            Entries: Array.from({ length: 10 }, (_, offset) => {
              const index = start + batch * 10 + offset;
              return { Id: String(offset), MessageBody: `b-${index}`, ...group(index) };
            }),
          }),
        ),
      ),
    );
  }
  let records = 0;
  let invocations = 0;
  let drained: (() => void) | undefined;
  const done = new Promise<void>((resolve) => {
    drained = resolve;
  });
  const drainStart = performance.now();
  consume(backlogQueue, async (event) => {
    invocations += 1;
    records += event.Records.length;
    if (records >= BACKLOG) drained?.();
    return { kind: 'returned', payload: null };
  });
  await done;
  const recordsPerSec = round(BACKLOG / ((performance.now() - drainStart) / 1000), 0);
  log(`  ${BACKLOG} records in ${invocations} invocations: ${recordsPerSec} records/s`);

  // Idle: a consumer on an empty queue; after its start-up wake, nothing should happen at all.
  const idleQueue = `consumers-idle-${id}${suffix}`;
  await create(idleQueue);
  let idleInvocations = 0;
  consume(idleQueue, async () => {
    idleInvocations += 1;
    return { kind: 'returned', payload: null };
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const receivesBefore = receives.get(idleQueue) ?? 0;
  await new Promise((resolve) => setTimeout(resolve, context.idleSeconds * 1000));
  const perMinute = (n: number) => round((n * 60) / context.idleSeconds, 2);
  const idle = {
    seconds: context.idleSeconds,
    invocationsPerMinute: perMinute(idleInvocations),
    receivesPerMinute: perMinute((receives.get(idleQueue) ?? 0) - receivesBefore),
  };
  log(`  idle: ${JSON.stringify(idle)}`);
  return { queue: kind, sendToInvoke: latency.summary(), recordsPerSec, invocations, idle };
}

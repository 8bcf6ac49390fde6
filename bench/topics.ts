/**
 * `npm run bench -- --topics`: what a publish costs with 1, 10 and 100 subscribed queues, against DynamoDB Local
 * with the service in its own process, as for the queue figures (and 100 subscriptions with filter policies of which
 * one matches). For each: DynamoDB units
 * (WCU, RCU) and calls per publish, metered uncontended in the server process around each publish; publish latency
 * uncontended; publishes/s and latency with 8 concurrent publishers. docs/performance.md, "Topics", records them.
 */
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import type { BenchOptions } from './args.js';
import { subtract } from './cost-per-action.js';
import { DUMMY_CREDENTIALS, REGION, startLocalDynamo } from './dynamo-local.js';
import { describeMachine } from './machine.js';
import { log, overHttp } from './measure.js';
import type { ServerProcess } from './server-handle.js';
import { startServerProcess } from './server-handle.js';
import { createQueue } from './sqs-target.js';
import { LatencyRecorder, type LatencySummary, round } from './stats.js';

/** Subscription counts measured: one queue, a fan-out of ten, and a hundred. */
export const SUBSCRIPTION_COUNTS = [1, 10, 100] as const;
/**
 * And 100 subscriptions each with a filter policy on the `type` attribute, of which one matches every publish: the
 * cost of subscriptions a publish is filtered out of.
 */
const FILTERED_SUBSCRIPTIONS = 100;
/** Message size, as the queue figures use (BODY_BYTES). */
const MESSAGE_BYTES = 1024;
/** Concurrent publishers in the throughput window. */
const PUBLISHERS = 8;
/** Uncontended publishes per subscription count, each metered alone. */
const COST_ROUNDS = 30;

/** The figures of one subscription count. */
export interface TopicRun {
  readonly subscriptions: number;
  /** Subscriptions whose filter takes each publish (the rest have a filter policy that turns it away). */
  readonly matching: number;
  /** DynamoDB work per publish, uncontended. */
  readonly perPublish: { readonly wcu: number; readonly rcu: number; readonly calls: number };
  /** The same per subscription delivered. */
  readonly perDelivery: { readonly wcu: number; readonly rcu: number };
  /** Publish latency with nothing else running, in ms. */
  readonly latency: LatencySummary;
  /** Under load: PUBLISHERS concurrent publishers for the window. */
  readonly load: {
    readonly publishesPerSec: number;
    readonly deliveriesPerSec: number;
    readonly latency: LatencySummary;
    readonly wcuPerPublish: number;
    readonly rcuPerPublish: number;
    readonly errors: number;
  };
  /** Every subscribed queue holds every publish: messages counted in each queue after the run. */
  readonly delivered: {
    readonly expected: number;
    readonly minimum: number;
    readonly maximum: number;
    /** Messages in the queues whose filter turned every publish away: 0 when filtering holds. */
    readonly filteredOutQueuesHold: number;
  };
}

export interface TopicsReport {
  readonly machine: Awaited<ReturnType<typeof describeMachine>>;
  readonly method: Record<string, unknown>;
  readonly runs: readonly TopicRun[];
  readonly totalSeconds: number;
}

/** Runs the topics bench on its own DynamoDB Local and server process, and prints the report. */
export async function runTopicsBench(options: BenchOptions): Promise<void> {
  const started = performance.now();
  const loadAtStart = round(os.loadavg()[0] ?? 0);
  log('starting DynamoDB Local (in memory)...');
  const dynamo = await startLocalDynamo();
  let server: ServerProcess | undefined;
  const killAll = () => {
    server?.killNow();
    dynamo.killNow();
  };
  process.once('exit', killAll);
  try {
    server = await startServerProcess({
      dynamodbEndpoint: dynamo.endpoint,
      tableName: `bench-topics-${randomBytes(4).toString('hex')}`,
      byAction: false,
      runMoveTasks: false,
      auth: options.auth,
    });
    log(`DynamoDB Local pid ${dynamo.pid}, server process pid ${server.pid} at ${server.url}`);
    const service = server;
    const timing = { warmupMs: options.warmupSeconds * 1000, windowMs: options.windowSeconds * 1000 };
    const runs: TopicRun[] = [];
    for (const count of SUBSCRIPTION_COUNTS) {
      log(`\n${count} subscription${count === 1 ? '' : 's'}`);
      runs.push(await measureTopic(service, count, timing, false));
    }
    log(`\n${FILTERED_SUBSCRIPTIONS} subscriptions with filter policies, 1 matching`);
    runs.push(await measureTopic(service, FILTERED_SUBSCRIPTIONS, timing, true));
    const report: TopicsReport = {
      machine: await describeMachine(loadAtStart),
      method: {
        messageBytes: MESSAGE_BYTES,
        messageAttributes: 1,
        subscriptions: `protocol sqs, Standard queues of the service, SNS envelope (not raw); no filter policy, then ${FILTERED_SUBSCRIPTIONS} with a filter policy each, of which 1 matches`,
        snsClient: '@aws-sdk/client-sns, Query protocol, one keep-alive agent, maxAttempts 1',
        cost: `${COST_ROUNDS} publishes one at a time, the server's meter read before and after each (IPC)`,
        load: `${PUBLISHERS} publishers in a loop; ${options.warmupSeconds} s warm-up, ${options.windowSeconds} s window`,
        auth: options.auth ? 'SigV4 on' : false,
      },
      runs,
      totalSeconds: round((performance.now() - started) / 1000, 1),
    };
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`\n${topicsText(report)}\n`);
  } finally {
    process.off('exit', killAll);
    await server?.stop();
    await dynamo.stop();
  }
}

async function measureTopic(
  service: ServerProcess,
  count: number,
  timing: { warmupMs: number; windowMs: number },
  filtered: boolean,
): Promise<TopicRun> {
  const sns = createSnsClient(service.url);
  try {
    const { topicArn, queueUrls, filteredOutUrls } = await overHttp(service, (sqs) =>
      setUp(sqs, sns.client, count, filtered),
    );
    const matching = filtered ? 1 : count;
    const bodies = new Messages();
    const publish = () =>
      sns.client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: bodies.next(),
          MessageAttributes: { type: { DataType: 'String', StringValue: 'type-0' } },
        }),
      );
    let published = 0;

    // Uncontended: each publish metered alone, so the units are exactly its own.
    await publish();
    published++;
    const latency = new LatencyRecorder();
    let total: CapacitySnapshot = { readUnits: 0, writeUnits: 0, failedConditionalWrites: 0, calls: 0 };
    for (let round = 0; round < COST_ROUNDS; round++) {
      const before = (await service.snapshot()).capacity;
      const startMs = performance.now();
      await publish();
      latency.record(performance.now() - startMs);
      const spent = subtract((await service.snapshot()).capacity, before);
      total = {
        readUnits: total.readUnits + spent.readUnits,
        writeUnits: total.writeUnits + spent.writeUnits,
        failedConditionalWrites: total.failedConditionalWrites + spent.failedConditionalWrites,
        calls: total.calls + spent.calls,
      };
      published++;
    }
    const perPublish = {
      wcu: round(total.writeUnits / COST_ROUNDS, 3),
      rcu: round(total.readUnits / COST_ROUNDS, 3),
      calls: round(total.calls / COST_ROUNDS, 2),
    };
    log(`  uncontended: ${perPublish.wcu} WCU, ${perPublish.rcu} RCU, ${perPublish.calls} calls per publish`);

    const load = await publishUnderLoad(service, publish, timing);
    published += load.completed;
    log(
      `  ${PUBLISHERS} publishers: ${load.publishesPerSec} publishes/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms`,
    );
    const depths = await overHttp(service, (sqs) => Promise.all(queueUrls.map((url) => depthOf(sqs, url))));
    const strayDepths = await overHttp(service, (sqs) =>
      Promise.all(filteredOutUrls.map((url) => depthOf(sqs, url))),
    );
    return {
      subscriptions: count,
      matching,
      perPublish,
      perDelivery: { wcu: round(perPublish.wcu / matching, 3), rcu: round(perPublish.rcu / matching, 3) },
      latency: latency.summary(),
      load: {
        publishesPerSec: load.publishesPerSec,
        deliveriesPerSec: round(load.publishesPerSec * matching, 1),
        latency: load.latency,
        wcuPerPublish: load.wcuPerPublish,
        rcuPerPublish: load.rcuPerPublish,
        errors: load.errors,
      },
      delivered: {
        expected: published,
        minimum: Math.min(...depths),
        maximum: Math.max(...depths),
        filteredOutQueuesHold: strayDepths.reduce((sum, depth) => sum + depth, 0),
      },
    };
  } finally {
    sns.close();
  }
}

/**
 * A topic with `count` Standard queues subscribed; when `filtered`, subscription i takes only `type` `type-i`, and
 * only the first queue is returned (the one every publish reaches).
 */
async function setUp(sqs: SQSClient, sns: SNSClient, count: number, filtered: boolean) {
  const name = filtered ? `bench-topic-${count}-filtered` : `bench-topic-${count}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queueUrls: string[] = [];
  const filteredOutUrls: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = await createQueue(sqs, `${name}-q${i}`);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn,
        ...(filtered ? { Attributes: { FilterPolicy: JSON.stringify({ type: [`type-${i}`] }) } } : {}),
      }),
    );
    if (!filtered || i === 0) queueUrls.push(url);
    else filteredOutUrls.push(url);
  }
  return { topicArn: TopicArn as string, queueUrls, filteredOutUrls };
}

/** PUBLISHERS publishers in a loop: warm-up, then a window whose meter is read at its edges. */
async function publishUnderLoad(
  service: ServerProcess,
  publish: () => Promise<unknown>,
  timing: { warmupMs: number; windowMs: number },
) {
  const latency = new LatencyRecorder();
  let phase: 'warmup' | 'window' | 'done' = 'warmup';
  let completed = 0;
  let inWindow = 0;
  let errors = 0;
  const worker = async () => {
    while (phase !== 'done') {
      const startMs = performance.now();
      try {
        await publish();
        completed++;
        // Publishes completed inside the window count, as the queue figures count lifecycles: with 100
        // subscriptions one publish can outlast a short window.
        if (phase === 'window') {
          latency.record(performance.now() - startMs);
          inWindow++;
        }
      } catch {
        errors++;
      }
    }
  };
  const workers = Array.from({ length: PUBLISHERS }, worker);
  await sleep(timing.warmupMs);
  const before = (await service.snapshot()).capacity;
  phase = 'window';
  const windowStart = performance.now();
  await sleep(timing.windowMs);
  const after = (await service.snapshot()).capacity;
  const seconds = (performance.now() - windowStart) / 1000;
  phase = 'done';
  await Promise.all(workers);
  const spent = subtract(after, before);
  return {
    completed,
    publishesPerSec: round(inWindow / seconds, 1),
    latency: latency.summary(),
    wcuPerPublish: round(spent.writeUnits / Math.max(1, inWindow), 3),
    rcuPerPublish: round(spent.readUnits / Math.max(1, inWindow), 3),
    errors,
  };
}

async function depthOf(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

function createSnsClient(endpoint: string): { client: SNSClient; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new SNSClient({
    endpoint,
    region: REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: agent },
  });
  return {
    client,
    close: () => {
      client.destroy();
      agent.destroy();
    },
  };
}

/** Distinct 1 KiB messages. */
class Messages {
  private readonly filler = randomBytes(MESSAGE_BYTES).toString('base64url');
  private count = 0;

  next(): string {
    const head = `m${this.count++}-`;
    return head + this.filler.slice(0, MESSAGE_BYTES - head.length);
  }
}

/** A plain text table: columns as wide as their widest cell, numbers right-aligned. */
class Table {
  private readonly rows: string[][] = [];

  constructor(private readonly headers: readonly string[]) {}

  add(row: readonly string[]): void {
    this.rows.push([...row]);
  }

  render(): string {
    const all = [[...this.headers], ...this.rows];
    const widths = this.headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
    return all.map((row) => row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ')).join('\n');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The report as tables, for the terminal and docs/performance.md. */
export function topicsText(report: TopicsReport): string {
  const cost = new Table([
    'subscriptions',
    'matching',
    'WCU/publish',
    'RCU/publish',
    'calls/publish',
    'WCU/delivery',
    'RCU/delivery',
    'p50 ms',
    'p99 ms',
  ]);
  const load = new Table([
    'subscriptions',
    'matching',
    'publishes/s',
    'deliveries/s',
    'p50 ms',
    'p99 ms',
    'WCU/publish',
    'errors',
    'each matching queue holds',
    'filtered-out queues hold',
  ]);
  for (const run of report.runs) {
    cost.add([
      String(run.subscriptions),
      String(run.matching),
      run.perPublish.wcu.toFixed(2),
      run.perPublish.rcu.toFixed(2),
      run.perPublish.calls.toFixed(1),
      run.perDelivery.wcu.toFixed(2),
      run.perDelivery.rcu.toFixed(2),
      run.latency.p50.toFixed(1),
      run.latency.p99.toFixed(1),
    ]);
    const { minimum, maximum, expected, filteredOutQueuesHold } = run.delivered;
    load.add([
      String(run.subscriptions),
      String(run.matching),
      run.load.publishesPerSec.toFixed(1),
      run.load.deliveriesPerSec.toFixed(0),
      run.load.latency.p50.toFixed(1),
      run.load.latency.p99.toFixed(1),
      run.load.wcuPerPublish.toFixed(2),
      String(run.load.errors),
      minimum === maximum ? `${minimum} of ${expected}` : `${minimum}-${maximum} of ${expected}`,
      run.matching < run.subscriptions ? String(filteredOutQueuesHold) : '-',
    ]);
  }
  const { machine } = report;
  return [
    `Topics: publish cost and latency; ${machine.cpuModel}, ${machine.cpus} CPUs, load average ${machine.loadAverage1m.start} at start, ${machine.loadAverage1m.end} at end, node ${machine.node}`,
    '',
    'Uncontended, one publish at a time (DynamoDB units metered in the server process):',
    cost.render(),
    '',
    `Under load, ${PUBLISHERS} concurrent publishers:`,
    load.render(),
    '',
    `Total ${report.totalSeconds} s`,
  ].join('\n');
}

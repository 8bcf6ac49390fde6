import type { SQSClient } from '@aws-sdk/client-sqs';
import { type CostQueue, type LifecycleCost, measureCostPerAction } from './cost-per-action.js';
import { createFifoQueue, FIFO_GROUPS, type FifoReceived, FifoSqsTarget } from './fifo-target.js';
import { log, measure, NO_HOOKS, overHttp, type Timing } from './measure.js';
import type { MeterReading, Pids } from './probe.js';
import type { ConfigRun, RunFigures } from './report.js';
import type { FifoConfigRun, FifoReport } from './report-fifo.js';
import type { ServerProcess } from './server-handle.js';
import { type BenchConfig, CONFIGS, FIFO_CONFIGS, runWorkload } from './workload.js';

/** What the FIFO runs share with the rest of the bench. */
export interface FifoBench {
  readonly service: ServerProcess;
  readonly serviceMeter: () => Promise<MeterReading>;
  readonly pids: Pids;
  readonly timing: Timing;
  /** Runs the raw-DynamoDB floor in a Standard shape, on a fresh partition. */
  measureFloor(shape: BenchConfig): Promise<RunFigures>;
}

/** Messages per group while the uncontended cost per action is measured: enough for a receive of 10. */
const COST_BACKLOG_PER_GROUP = 20;

/**
 * Unmeasured FIFO load in the 8 × 8 shapes, so that the service's FIFO code (transactions, the ready index)
 * is warm before the first measured FIFO run, as the Standard warm-up does for its own.
 */
export async function warmUpFifo(bench: FifoBench): Promise<void> {
  const warmup = { warmupMs: bench.timing.warmupMs, windowMs: 0 };
  for (const config of FIFO_CONFIGS.filter((c) => c.consumers > 1)) {
    await overHttp(bench.service, async (client) => {
      const queueUrl = await createFifoQueue(client, `bench-warmup-${config.name}`);
      await runWorkload(new FifoSqsTarget(client, queueUrl, config.batchSize), config, warmup, NO_HOOKS, log);
    });
  }
}

/**
 * Runs each FIFO configuration on a fresh FIFO queue and pairs it with the Standard floor of its shape: the
 * one `standardRuns` measured earlier in this bench, or, when that configuration was not selected, a floor
 * run made now.
 */
export async function runFifo(
  bench: FifoBench,
  configs: readonly BenchConfig[],
  standardRuns: readonly ConfigRun[],
): Promise<FifoConfigRun[]> {
  const runs: FifoConfigRun[] = [];
  for (const config of configs) {
    log(
      `\n${config.name}: ${config.producers} producers, ${config.consumers} consumers, ${config.batchSize} per group per call, ${FIFO_GROUPS} groups`,
    );
    const { service, checks } = await overHttp(bench.service, async (client) => {
      const queueUrl = await createFifoQueue(client, `bench-${config.name}`);
      const target = new FifoSqsTarget(client, queueUrl, config.batchSize);
      const figures = await measure('fifo', target, bench.serviceMeter, config, bench.timing, bench.pids);
      return { service: figures, checks: target.checker.finish() };
    });
    log(
      `          ${checks.sent} sent, ${checks.delivered} delivered: ${checks.orderViolations} order violations, ` +
        `${checks.groupLockViolations} group-lock violations`,
    );
    for (const example of checks.examples) log(`          ${example}`);
    const shape = standardShapeOf(config);
    const standard = standardRuns.find((run) => run.config.name === shape.name);
    if (!standard) log(`  the floor in shape ${shape.name} (its Standard configuration was not selected)`);
    const floor = standard?.floor ?? (await bench.measureFloor(shape));
    runs.push({
      config,
      service,
      floor,
      floorSource: standard ? 'standard-run' : 'measured-for-fifo',
      checks,
    });
  }
  return runs;
}

/** Uncontended units per message by action on a FIFO queue, for batches of 1 and 10. */
export async function measureFifoCostPerAction(
  bench: FifoBench,
  rounds: number,
): Promise<Pick<FifoReport, 'costPerAction' | 'costBacklogPerGroup'>> {
  const costPerAction: Record<string, LifecycleCost> = {};
  for (const batchSize of [1, 10]) {
    costPerAction[`b${batchSize}`] = await overHttp(bench.service, async (client) =>
      measureCostPerAction(
        async () => (await bench.service.snapshot()).capacity,
        await fifoCostQueue(client, `bench-cost-fifo-b${batchSize}`, batchSize),
        batchSize,
        rounds,
      ),
    );
  }
  return { costPerAction, costBacklogPerGroup: COST_BACKLOG_PER_GROUP };
}

async function fifoCostQueue(
  client: SQSClient,
  name: string,
  batchSize: number,
): Promise<CostQueue<FifoReceived>> {
  const queueUrl = await createFifoQueue(client, name);
  return {
    target: new FifoSqsTarget(client, queueUrl, batchSize),
    fill: async (bodies) => {
      for (let group = 0; group < FIFO_GROUPS; group++) {
        const filler = new FifoSqsTarget(client, queueUrl, 10, () => `g${group}`);
        for (let sent = 0; sent < COST_BACKLOG_PER_GROUP; sent += 10) await filler.send(bodies.next(10));
      }
    },
  };
}

/** The Standard configuration with the same producers, consumers and batch size. */
function standardShapeOf(config: BenchConfig): BenchConfig {
  const shape = CONFIGS.find(
    (c) =>
      c.producers === config.producers &&
      c.consumers === config.consumers &&
      c.batchSize === config.batchSize,
  );
  if (!shape) throw new Error(`no Standard configuration has the shape of ${config.name}`);
  return shape;
}

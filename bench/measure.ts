import type { SQSClient } from '@aws-sdk/client-sqs';
import { type MeterReading, type Pids, type Probe, takeProbe, windowCost } from './probe.js';
import type { RunFigures } from './report.js';
import type { ServerProcess } from './server-handle.js';
import { createSqsClient } from './sqs-target.js';
import { type BenchConfig, type QueueTarget, type Received, runWorkload } from './workload.js';

/** Progress and problems: stderr, so that `--json` keeps stdout to its one object. */
export const log = (line: string) => process.stderr.write(`${line}\n`);

/** Window hooks for unmeasured runs (warm-up). */
export const NO_HOOKS = { windowStarted: () => {}, windowEnded: () => {} };

/** Warm-up and measured window of each run, in ms. */
export interface Timing {
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** Runs one configuration against `target` and reads `meter` and the processes' CPU at the window's edges. */
export async function measure<M extends Received>(
  label: string,
  target: QueueTarget<M>,
  meter: () => Promise<MeterReading> | MeterReading,
  config: BenchConfig,
  timing: Timing,
  pids: Pids,
): Promise<RunFigures> {
  let start: Probe | undefined;
  let end: Probe | undefined;
  const workload = await runWorkload(
    target,
    config,
    timing,
    {
      // takeProbe reads the CPU counters and sends the meter request before its first await.
      windowStarted: async () => {
        start = await takeProbe(meter, pids);
      },
      windowEnded: async () => {
        end = await takeProbe(meter, pids);
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

/**
 * Drives the server process with a fresh SQS client (and connection pool) for one step. The server itself
 * lives for the whole run, as it would in use.
 */
export async function overHttp<T>(
  service: ServerProcess,
  step: (client: SQSClient) => Promise<T>,
): Promise<T> {
  const sqs = createSqsClient(service.url);
  try {
    return await step(sqs.client);
  } finally {
    sqs.close();
  }
}

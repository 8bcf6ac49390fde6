import type { LifecycleCost } from './cost-per-action.js';
import type { FifoChecks } from './fifo-checker.js';
import {
  type ConfigRun,
  MIN_RATIO_TO_FLOOR,
  perLifecycle,
  roundDeep,
  runJson,
  type TargetCheck,
} from './report.js';
import { per, round } from './stats.js';
import type { BenchConfig } from './workload.js';

/** Where a FIFO configuration's floor figures come from. */
export type FloorSource =
  /** The Standard configuration of the same shape, measured earlier in the same bench. */
  | 'standard-run'
  /** Measured for the FIFO configuration, because the Standard one of its shape was not selected. */
  | 'measured-for-fifo';

/** One FIFO configuration: the service on a FIFO queue, next to the Standard floor of the same shape. */
export interface FifoConfigRun extends ConfigRun {
  readonly floorSource: FloorSource;
  readonly checks: FifoChecks;
}

export interface FifoReport {
  /** Message groups per queue; each send call goes to one of them, at random. */
  readonly groups: number;
  readonly runs: readonly FifoConfigRun[];
  /** Uncontended units per message by action, by batch size. */
  readonly costPerAction: Record<string, LifecycleCost>;
  /** Messages per group in the queue while `costPerAction` was measured. */
  readonly costBacklogPerGroup: number;
}

/** Issue 3: WCU per lifecycle of 1 KB messages, 16 unbatched and 7.5 at 10 messages per group per call. */
function maxFifoWcuPerLifecycle(config: BenchConfig): number {
  return config.batchSize >= 10 ? 7.5 : 16;
}

/** Issue 3's targets; units are judged at one decimal, as for Standard queues (report.ts). */
export function fifoTargetChecks(run: FifoConfigRun): Record<string, TargetCheck> {
  const unit = perLifecycle(run.service);
  const ratio = per(run.service.workload.lifecyclesPerSec, run.floor.workload.lifecyclesPerSec);
  const wcuLimit = maxFifoWcuPerLifecycle(run.config);
  return {
    wcuPerLifecycle: {
      value: round(unit.wcu, 3),
      limit: `<= ${wcuLimit}`,
      pass: round(unit.wcu, 1) <= wcuLimit,
    },
    ratioToFloor: {
      value: round(ratio, 3),
      limit: `>= ${MIN_RATIO_TO_FLOOR}`,
      pass: ratio >= MIN_RATIO_TO_FLOOR,
    },
    orderViolations: {
      value: run.checks.orderViolations,
      limit: '= 0',
      pass: run.checks.orderViolations === 0,
    },
    groupLockViolations: {
      value: run.checks.groupLockViolations,
      limit: '= 0',
      pass: run.checks.groupLockViolations === 0,
    },
  };
}

/** The `fifo` key of `--json`. */
export function fifoJson(fifo: FifoReport) {
  const configs = Object.fromEntries(
    fifo.runs.map((run) => {
      const {
        lifecyclesPerSec,
        wcuPerLifecycle,
        rcuPerLifecycle,
        failedConditionalWritesPerLifecycle,
        dynamoCallsPerLifecycle,
        ...service
      } = runJson(run.service);
      const floor = runJson(run.floor);
      return [
        run.config.name,
        {
          producers: run.config.producers,
          consumers: run.config.consumers,
          batchSize: run.config.batchSize,
          lifecyclesPerSec,
          floorLifecyclesPerSec: floor.lifecyclesPerSec,
          ratioToFloor: round(
            per(run.service.workload.lifecyclesPerSec, run.floor.workload.lifecyclesPerSec),
            3,
          ),
          floorSource: run.floorSource,
          wcuPerLifecycle,
          rcuPerLifecycle,
          failedConditionalWritesPerLifecycle,
          dynamoCallsPerLifecycle,
          orderViolations: run.checks.orderViolations,
          groupLockViolations: run.checks.groupLockViolations,
          checks: run.checks,
          ...service,
          floor,
          targets: fifoTargetChecks(run),
        },
      ];
    }),
  );
  return {
    groups: fifo.groups,
    configs,
    costPerAction: roundDeep(fifo.costPerAction),
    costBacklogPerGroup: fifo.costBacklogPerGroup,
  };
}

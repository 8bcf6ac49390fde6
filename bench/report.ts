import type { LifecycleCost } from './cost-per-action.js';
import type { DeadLetterResult } from './dead-letter.js';
import type { LongPollResult } from './long-poll.js';
import type { Machine } from './machine.js';
import type { WindowCost } from './probe.js';
import type { FifoReport } from './report-fifo.js';
import { per, round } from './stats.js';
import type { Action, BenchConfig, WorkloadResult } from './workload.js';

/** One run (service or floor) of one configuration. */
export interface RunFigures {
  readonly workload: WorkloadResult;
  readonly cost: WindowCost;
}

export interface ConfigRun {
  readonly config: BenchConfig;
  readonly service: RunFigures;
  readonly floor: RunFigures;
}

export interface BenchReport {
  readonly machine: Machine;
  readonly method: Record<string, unknown>;
  readonly runs: readonly ConfigRun[];
  readonly longPoll: LongPollResult | undefined;
  readonly costPerAction: Record<string, LifecycleCost>;
  /** The FIFO configurations, when any was selected. @default - none run */
  readonly fifo?: FifoReport;
  /** Dead-letter moves and redrive, when selected. @default - not measured */
  readonly deadLetter?: DeadLetterResult;
  readonly totalSeconds: number;
}

/** A target from issue 2, checked against one figure. */
export interface TargetCheck {
  readonly value: number;
  readonly limit: string;
  readonly pass: boolean;
}

export const ACTIONS: readonly Action[] = ['send', 'receive', 'delete'];
/** Issue 2: full-API lifecycles/s at least half the floor's. */
export const MIN_RATIO_TO_FLOOR = 0.5;
/** Issue 2: long-poll wake-up p99 under 100 ms. */
export const MAX_LONG_POLL_WAKE_P99_MS = 100;
/** Issue 2: at most 2 RCU per unbatched lifecycle; a batched one has no reason to read more. */
const MAX_RCU_PER_LIFECYCLE = 2;

/** Issue 2: at most 6 WCU per lifecycle, 7 with 8 concurrent consumers (failed conditional writes count). */
function maxWcuPerLifecycle(config: BenchConfig): number {
  return config.consumers > 1 ? 7 : 6;
}

export function perLifecycle(run: RunFigures) {
  const n = run.workload.lifecycles;
  return {
    wcu: per(run.cost.writeUnits, n),
    rcu: per(run.cost.readUnits, n),
    failed: per(run.cost.failedConditionalWrites, n),
    calls: per(run.cost.dynamoCalls, n),
  };
}

/** CPU time a process spent per lifecycle: how many lifecycles a core could carry at most. */
export function cpuMsPerLifecycle(
  run: RunFigures,
  which: 'driverCpuPercent' | 'serverCpuPercent' | 'javaCpuPercent',
): number {
  return per(run.cost[which] * 10 * run.workload.windowSeconds, run.workload.lifecycles);
}

/**
 * Units of each action divided by the messages that action handled in the window (sent, received, deleted);
 * `lifecycle` is their sum. Undefined when the run was not metered per action.
 */
export function perMessageByAction(run: RunFigures) {
  const split = run.cost.byAction;
  if (!split) return undefined;
  const w = run.workload;
  const counts: Record<Action, number> = {
    send: w.sentInWindow,
    receive: w.receivedInWindow,
    delete: w.lifecycles,
  };
  const byAction = Object.fromEntries(
    ACTIONS.map((action) => {
      const c = split[action];
      const n = counts[action];
      return [
        action,
        {
          wcu: per(c.writeUnits, n),
          rcu: per(c.readUnits, n),
          failed: per(c.failedConditionalWrites, n),
          calls: per(c.calls, n),
        },
      ];
    }),
  ) as Record<Action, { wcu: number; rcu: number; failed: number; calls: number }>;
  const sum = (key: 'wcu' | 'rcu' | 'failed' | 'calls') => ACTIONS.reduce((t, a) => t + byAction[a][key], 0);
  return {
    ...byAction,
    lifecycle: { wcu: sum('wcu'), rcu: sum('rcu'), failed: sum('failed'), calls: sum('calls') },
  };
}

/**
 * Units are judged at one decimal: a call that straddles an edge of the window books its units on one side
 * and its messages on the other, which moves the per-lifecycle figures by about ±0.01.
 */
export function targetChecks(
  run: ConfigRun,
  longPoll: LongPollResult | undefined,
): Record<string, TargetCheck> {
  const unit = perLifecycle(run.service);
  const ratio = per(run.service.workload.lifecyclesPerSec, run.floor.workload.lifecyclesPerSec);
  const wcuLimit = maxWcuPerLifecycle(run.config);
  const checks: Record<string, TargetCheck> = {
    wcuPerLifecycle: {
      value: round(unit.wcu, 3),
      limit: `<= ${wcuLimit}`,
      pass: round(unit.wcu, 1) <= wcuLimit,
    },
    rcuPerLifecycle: {
      value: round(unit.rcu, 3),
      limit: `<= ${MAX_RCU_PER_LIFECYCLE}`,
      pass: round(unit.rcu, 1) <= MAX_RCU_PER_LIFECYCLE,
    },
    ratioToFloor: {
      value: round(ratio, 3),
      limit: `>= ${MIN_RATIO_TO_FLOOR}`,
      pass: ratio >= MIN_RATIO_TO_FLOOR,
    },
  };
  if (longPoll) {
    const p99 = longPoll.sendStartToReceiveMs.p99;
    checks.longPollWakeP99Ms = {
      value: p99,
      limit: `< ${MAX_LONG_POLL_WAKE_P99_MS}`,
      pass: p99 < MAX_LONG_POLL_WAKE_P99_MS,
    };
  }
  return checks;
}

/** One run's figures as `--json` prints them. */
export function runJson(run: RunFigures) {
  const unit = perLifecycle(run);
  return {
    lifecyclesPerSec: round(run.workload.lifecyclesPerSec, 1),
    lifecycles: run.workload.lifecycles,
    sentInWindow: run.workload.sentInWindow,
    receivedInWindow: run.workload.receivedInWindow,
    prefilled: run.workload.prefilled,
    windowSeconds: round(run.workload.windowSeconds, 2),
    wcuPerLifecycle: round(unit.wcu, 3),
    rcuPerLifecycle: round(unit.rcu, 3),
    failedConditionalWritesPerLifecycle: round(unit.failed, 3),
    dynamoCallsPerLifecycle: round(unit.calls, 2),
    ...(run.cost.byAction ? { perMessageByAction: roundDeep(perMessageByAction(run)) } : {}),
    latencyMs: run.workload.latencyMs,
    duplicates: run.workload.duplicates,
    emptyReceives: run.workload.emptyReceives,
    errors: run.workload.errors,
    cpuPercent: {
      driver: round(run.cost.driverCpuPercent, 0),
      server: round(run.cost.serverCpuPercent, 0),
      dynamodbLocal: round(run.cost.javaCpuPercent, 0),
    },
    cpuMsPerLifecycle: {
      driver: round(cpuMsPerLifecycle(run, 'driverCpuPercent'), 2),
      server: round(cpuMsPerLifecycle(run, 'serverCpuPercent'), 2),
      dynamodbLocal: round(cpuMsPerLifecycle(run, 'javaCpuPercent'), 2),
    },
  };
}

/** Rounds every number in a plain object to 3 decimals. */
export function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return round(value, 3) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)])) as T;
  }
  return value;
}

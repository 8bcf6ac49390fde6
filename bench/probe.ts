import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import type { ActionSnapshots } from './action-meter.js';

/** Counters read at one edge of a measured window. */
export interface Probe {
  readonly atMs: number;
  readonly capacity: CapacitySnapshot;
  readonly byAction: ActionSnapshots | undefined;
  readonly nodeCpuMs: number;
  readonly javaCpuMs: number | undefined;
}

/** What a window consumed: DynamoDB capacity as AWS bills it, and CPU of both processes. */
export interface WindowCost {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly failedConditionalWrites: number;
  readonly dynamoCalls: number;
  /** The same, split by the action that made each call, when the run was metered per action. */
  readonly byAction: ActionSnapshots | undefined;
  /** CPU of this Node process (bench driver, SQS client, HTTP server and service alike), % of one core. */
  readonly nodeCpuPercent: number;
  /** CPU of DynamoDB Local, % of one core; NaN where /proc is missing. */
  readonly javaCpuPercent: number;
}

export function takeProbe(
  capacity: CapacitySnapshot,
  byAction: ActionSnapshots | undefined,
  javaPid: number,
): Probe {
  const cpu = process.cpuUsage();
  return {
    atMs: performance.now(),
    capacity,
    byAction,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    javaCpuMs: processCpuMs(javaPid),
  };
}

export function windowCost(start: Probe, end: Probe): WindowCost {
  const elapsedMs = end.atMs - start.atMs;
  const javaMs =
    start.javaCpuMs === undefined || end.javaCpuMs === undefined
      ? Number.NaN
      : end.javaCpuMs - start.javaCpuMs;
  return {
    writeUnits: end.capacity.writeUnits - start.capacity.writeUnits,
    readUnits: end.capacity.readUnits - start.capacity.readUnits,
    failedConditionalWrites: end.capacity.failedConditionalWrites - start.capacity.failedConditionalWrites,
    dynamoCalls: end.capacity.calls - start.capacity.calls,
    byAction: start.byAction && end.byAction ? differenceByAction(end.byAction, start.byAction) : undefined,
    nodeCpuPercent: (100 * (end.nodeCpuMs - start.nodeCpuMs)) / elapsedMs,
    javaCpuPercent: (100 * javaMs) / elapsedMs,
  };
}

function differenceByAction(a: ActionSnapshots, b: ActionSnapshots): ActionSnapshots {
  return {
    send: difference(a.send, b.send),
    receive: difference(a.receive, b.receive),
    delete: difference(a.delete, b.delete),
    other: difference(a.other, b.other),
  };
}

function difference(a: CapacitySnapshot, b: CapacitySnapshot): CapacitySnapshot {
  return {
    readUnits: a.readUnits - b.readUnits,
    writeUnits: a.writeUnits - b.writeUnits,
    failedConditionalWrites: a.failedConditionalWrites - b.failedConditionalWrites,
    calls: a.calls - b.calls,
  };
}

let ticksPerSecond: number | undefined;

/** utime + stime of another process from /proc (Linux), in ms. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

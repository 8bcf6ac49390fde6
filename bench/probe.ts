import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import type { ActionSnapshots } from './action-meter.js';

/** What a target's meter said at one edge of a window, wherever it lives. */
export interface MeterReading {
  readonly capacity: CapacitySnapshot;
  readonly byAction: ActionSnapshots | undefined;
}

/** The processes whose CPU a window reports: the service's server process is absent when it is not running. */
export interface Pids {
  readonly serverPid: number | undefined;
  readonly javaPid: number;
}

/** Counters read at one edge of a measured window. */
export interface Probe {
  readonly atMs: number;
  readonly capacity: CapacitySnapshot;
  readonly byAction: ActionSnapshots | undefined;
  readonly driverCpuMs: number;
  readonly serverCpuMs: number | undefined;
  readonly javaCpuMs: number | undefined;
}

/** What a window consumed: DynamoDB capacity as AWS bills it, and CPU of each process. */
export interface WindowCost {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly failedConditionalWrites: number;
  readonly dynamoCalls: number;
  /** The same, split by the action that made each call, when the run was metered per action. */
  readonly byAction: ActionSnapshots | undefined;
  /**
   * CPU of the bench process, % of one core: the load driver with its SQS clients (service runs) or the
   * floor's DynamoDB client (floor runs).
   */
  readonly driverCpuPercent: number;
  /** CPU of the service's server process (node:http, service, its DynamoDB client); idle in floor runs. NaN without /proc. */
  readonly serverCpuPercent: number;
  /** CPU of DynamoDB Local, % of one core; NaN where /proc is missing. */
  readonly javaCpuPercent: number;
}

/**
 * Reads the CPU counters of all three processes now, synchronously, and the meter through `meter`, whose
 * request must leave synchronously too (an IPC message to the server process): the edge is this call, and the
 * meter is read one IPC hop later, which shifts both edges of a window alike.
 */
export async function takeProbe(
  meter: () => Promise<MeterReading> | MeterReading,
  pids: Pids,
): Promise<Probe> {
  const atMs = performance.now();
  const cpu = process.cpuUsage();
  const serverCpuMs = pids.serverPid === undefined ? undefined : processCpuMs(pids.serverPid);
  const javaCpuMs = processCpuMs(pids.javaPid);
  const reading = meter();
  const { capacity, byAction } = await reading;
  return {
    atMs,
    capacity,
    byAction,
    driverCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs,
    javaCpuMs,
  };
}

export function windowCost(start: Probe, end: Probe): WindowCost {
  const elapsedMs = end.atMs - start.atMs;
  const percent = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? Number.NaN : (100 * (b - a)) / elapsedMs;
  return {
    writeUnits: end.capacity.writeUnits - start.capacity.writeUnits,
    readUnits: end.capacity.readUnits - start.capacity.readUnits,
    failedConditionalWrites: end.capacity.failedConditionalWrites - start.capacity.failedConditionalWrites,
    dynamoCalls: end.capacity.calls - start.capacity.calls,
    byAction: start.byAction && end.byAction ? differenceByAction(end.byAction, start.byAction) : undefined,
    driverCpuPercent: percent(start.driverCpuMs, end.driverCpuMs),
    serverCpuPercent: percent(start.serverCpuMs, end.serverCpuMs),
    javaCpuPercent: percent(start.javaCpuMs, end.javaCpuMs),
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

/** utime + stime of another process from /proc (Linux), in ms; undefined elsewhere or once it has exited. */
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

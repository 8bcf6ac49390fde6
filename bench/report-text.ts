import {
  ACTIONS,
  type BenchReport,
  type ConfigRun,
  cpuMsPerLifecycle,
  MAX_LONG_POLL_WAKE_P99_MS,
  perLifecycle,
  perMessageByAction,
  type RunFigures,
  type TargetCheck,
  targetChecks,
} from './report.js';
import type { LatencySummary } from './stats.js';

/** Readable tables for a terminal. */
export function toText(report: BenchReport): string {
  return [
    ...header(report),
    ...throughputTable(report),
    ...latencyTable(report),
    ...(report.runs.some((run) => run.service.cost.byAction) ? byActionTable(report) : []),
    ...longPollLines(report),
    ...costTable(report),
    '',
    `Total ${fixed(report.totalSeconds, 0)} s.`,
  ].join('\n');
}

function header({ machine, method }: BenchReport): string[] {
  const load = machine.loadAverage1m;
  return [
    `Benchmark on ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.java}`,
    `Load average (1 min): ${load.start} before the bench, ${load.end} at its end (the bench, the server process and DynamoDB Local keep about 2 cores busy).`,
    `Each run: backlog filled to its limit, ${method.warmupSeconds} s warm-up, ${method.windowSeconds} s measured. ` +
      'Absolute figures are this machine; the ratio to the floor is the comparable figure.',
    '',
  ];
}

const THROUGHPUT = [-9, 13, 9, 11, 11, 11, 10, 12, 5];

function throughputTable(report: BenchReport): string[] {
  const lines = [
    row(
      ['config', 'lifecycles/s', 'floor/s', 'ratio', 'WCU/lc', 'RCU/lc', 'failed/lc', 'calls/lc', 'dup'],
      THROUGHPUT,
    ),
  ];
  for (const run of report.runs) {
    const unit = perLifecycle(run.service);
    const checks = targetChecks(run, report.longPoll);
    lines.push(
      row(
        [
          run.config.name,
          fixed(run.service.workload.lifecyclesPerSec, 1),
          fixed(run.floor.workload.lifecyclesPerSec, 1),
          checked(checks.ratioToFloor, 2),
          checked(checks.wcuPerLifecycle, 2),
          checked(checks.rcuPerLifecycle, 2),
          fixed(unit.failed, 3),
          `${fixed(unit.calls, 1)} (${fixed(perLifecycle(run.floor).calls, 1)})`,
          String(run.service.workload.duplicates + run.floor.workload.duplicates),
        ],
        THROUGHPUT,
      ),
    );
  }
  lines.push(
    '',
    'Targets (issue 2), "!!" = missed: ratio >= 0.5; WCU/lc <= 6 (<= 7 with 8 consumers); RCU/lc <= 2.',
    'failed/lc = refused conditional writes (in WCU/lc, 1 each); calls/lc = DynamoDB calls, floor in brackets;',
    'dup = deliveries of a message id within its visibility timeout, service + floor, whole run.',
  );
  return lines;
}

const LATENCY = [-9, -8, 15, 16, 15, 10, 7, 20, 18];

function latencyTable(report: BenchReport): string[] {
  const lines = [
    '',
    row(
      [
        'latency',
        'ms',
        'send p50/p99',
        'receive p50/p99',
        'delete p50/p99',
        'empty rcv',
        'errors',
        'CPU drv/srv/java',
        'CPU ms/lc d/s/j',
      ],
      LATENCY,
    ),
  ];
  for (const run of report.runs) {
    for (const [label, figures] of both(run)) {
      const w = figures.workload;
      lines.push(
        row(
          [
            label === 'service' ? run.config.name : '',
            label,
            ...ACTIONS.map((a) => latency(w.latencyMs[a])),
            String(w.emptyReceives),
            String(w.errors.send + w.errors.receive + w.errors.delete),
            `${fixed(figures.cost.driverCpuPercent, 0)}/${fixed(figures.cost.serverCpuPercent, 0)}/${fixed(figures.cost.javaCpuPercent, 0)}%`,
            [
              cpuMsPerLifecycle(figures, 'driverCpuPercent'),
              cpuMsPerLifecycle(figures, 'serverCpuPercent'),
              cpuMsPerLifecycle(figures, 'javaCpuPercent'),
            ]
              .map((ms) => fixed(ms, 1))
              .join('/'),
          ],
          LATENCY,
        ),
      );
    }
  }
  lines.push(
    'CPU: % of one core over the window, and CPU ms per lifecycle, per process: drv = the bench (load driver:',
    "SQS clients, or the floor's DynamoDB calls), srv = the service's own process (node:http, service, its",
    'DynamoDB client; idle during floor runs), java = DynamoDB Local.',
  );
  return lines;
}

const BY_ACTION = [-9, -8, 10, 19, 9, 11, 15];

function byActionTable(report: BenchReport): string[] {
  const lines = [
    '',
    "Units per message by action under load: each action's units in the window / messages it handled there;",
    'sum = one lifecycle, free of the send/delete imbalance of a window.',
    row(['config', 'run', 'send W/R', 'receive W/R/failed', 'delete W', 'sum W/R', 'calls s/r/d'], BY_ACTION),
  ];
  for (const run of report.runs) {
    for (const [label, figures] of both(run)) {
      const m = perMessageByAction(figures);
      if (!m) continue;
      lines.push(
        row(
          [
            label === 'service' ? run.config.name : '',
            label,
            `${fixed(m.send.wcu, 2)}/${fixed(m.send.rcu, 2)}`,
            `${fixed(m.receive.wcu, 2)}/${fixed(m.receive.rcu, 2)}/${fixed(m.receive.failed, 2)}`,
            fixed(m.delete.wcu, 2),
            `${fixed(m.lifecycle.wcu, 2)}/${fixed(m.lifecycle.rcu, 2)}`,
            `${fixed(m.send.calls, 2)}/${fixed(m.receive.calls, 2)}/${fixed(m.delete.calls, 2)}`,
          ],
          BY_ACTION,
        ),
      );
    }
  }
  return lines;
}

function longPollLines(report: BenchReport): string[] {
  const lp = report.longPoll;
  if (!lp) return [];
  const p99 = lp.sendStartToReceiveMs.p99;
  const verdict = p99 < MAX_LONG_POLL_WAKE_P99_MS ? 'ok' : '!!';
  return [
    '',
    `Long-poll wake-up, ${lp.rounds} rounds (a receiver waits with WaitTimeSeconds=20 on an empty queue, then one send):`,
    `  send start -> receive returned: p50 ${fixed(lp.sendStartToReceiveMs.p50, 1)} ms, p99 ${fixed(p99, 1)} ms ${verdict} (target p99 < ${MAX_LONG_POLL_WAKE_P99_MS} ms)`,
    `  send done  -> receive returned: p50 ${fixed(lp.sendDoneToReceiveMs.p50, 1)} ms, p99 ${fixed(lp.sendDoneToReceiveMs.p99, 1)} ms` +
      (lp.misses ? `; ${lp.misses} rounds did not receive the message just sent` : ''),
  ];
}

const COST = [-6, -10, 7, 7, 7, 7];

function costTable(report: BenchReport): string[] {
  const costs = Object.entries(report.costPerAction);
  if (!costs.length) return [];
  const lines = [
    '',
    'DynamoDB work per message by action, one call at a time (no contention), 200-message backlog:',
    row(['batch', 'action', 'calls', 'WCU', 'RCU', 'failed'], COST),
  ];
  for (const [name, cost] of costs) {
    for (const action of [...ACTIONS, 'lifecycle'] as const) {
      const c = cost[action];
      lines.push(
        row(
          [
            action === 'send' ? name : '',
            action,
            fixed(c.callsPerMessage, 2),
            fixed(c.wcuPerMessage, 2),
            fixed(c.rcuPerMessage, 2),
            fixed(c.failedConditionalWritesPerMessage, 3),
          ],
          COST,
        ),
      );
    }
  }
  return lines;
}

function both(run: ConfigRun): [string, RunFigures][] {
  return [
    ['service', run.service],
    ['floor', run.floor],
  ];
}

/** Pads each cell to its width: negative widths align left. */
function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => {
      const w = widths[i] ?? 0;
      return w < 0 ? cell.padEnd(-w) : cell.padStart(w);
    })
    .join(' ')
    .trimEnd();
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function latency(s: LatencySummary): string {
  return `${fixed(s.p50, 1)} / ${fixed(s.p99, 1)}`;
}

function checked(check: TargetCheck | undefined, digits: number): string {
  if (!check) return '-';
  return `${fixed(check.value, digits)} ${check.pass ? 'ok' : '!!'}`;
}

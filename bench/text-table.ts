/** The bench's text tables that Standard and FIFO share, and their cell helpers. */
import type { LifecycleCost } from './cost-per-action.js';
import {
  ACTIONS,
  type ConfigRun,
  cpuMsPerLifecycle,
  perMessageByAction,
  type RunFigures,
  type TargetCheck,
} from './report.js';
import type { LatencySummary } from './stats.js';

const LATENCY = [-12, -8, 15, 16, 15, 10, 7, 20, 18];

/** Latency, errors and CPU of each run, service and floor. */
export function latencyTable(runs: readonly ConfigRun[]): string[] {
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
  for (const run of runs) {
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

const BY_ACTION = [-12, -8, 10, 19, 9, 11, 15];

/** Units per message by action under load (`--by-action`), service and floor. */
export function byActionTable(runs: readonly ConfigRun[]): string[] {
  const lines = [
    '',
    "Units per message by action under load: each action's units in the window / messages it handled there;",
    'sum = one lifecycle, free of the send/delete imbalance of a window.',
    row(['config', 'run', 'send W/R', 'receive W/R/failed', 'delete W', 'sum W/R', 'calls s/r/d'], BY_ACTION),
  ];
  for (const run of runs) {
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

const COST = [-6, -10, 7, 7, 7, 7];

/** Uncontended units per message by action, one block per batch size. */
export function costTable(costPerAction: Record<string, LifecycleCost>, title: string): string[] {
  const costs = Object.entries(costPerAction);
  if (!costs.length) return [];
  const lines = ['', title, row(['batch', 'action', 'calls', 'WCU', 'RCU', 'failed'], COST)];
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
export function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => {
      const w = widths[i] ?? 0;
      return w < 0 ? cell.padEnd(-w) : cell.padStart(w);
    })
    .join(' ')
    .trimEnd();
}

export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function latency(s: LatencySummary): string {
  return `${fixed(s.p50, 1)} / ${fixed(s.p99, 1)}`;
}

export function checked(check: TargetCheck | undefined, digits: number): string {
  if (!check) return '-';
  return `${fixed(check.value, digits)} ${check.pass ? 'ok' : '!!'}`;
}

import { perLifecycle } from './report.js';
import { type FifoReport, fifoTargetChecks } from './report-fifo.js';
import { byActionTable, checked, costTable, fixed, latencyTable, row } from './text-table.js';

const THROUGHPUT = [-12, 13, 9, 11, 12, 7, 10, 10, 7, 6, 5];
const CHECKS = [-12, 7, 10, 8, 12];

/** The FIFO section of the text report. */
export function fifoText(fifo: FifoReport): string[] {
  const lines = [
    '',
    `FIFO queues: ${fifo.groups} message groups; each send call puts its batch into one random group.`,
    row(
      [
        'config',
        'lifecycles/s',
        'floor/s',
        'ratio',
        'WCU/lc',
        'RCU/lc',
        'failed/lc',
        'calls/lc',
        'order',
        'lock',
        'dup',
      ],
      THROUGHPUT,
    ),
  ];
  for (const run of fifo.runs) {
    const unit = perLifecycle(run.service);
    const checks = fifoTargetChecks(run);
    lines.push(
      row(
        [
          run.config.name,
          fixed(run.service.workload.lifecyclesPerSec, 1),
          `${fixed(run.floor.workload.lifecyclesPerSec, 1)}${run.floorSource === 'standard-run' ? '' : '*'}`,
          checked(checks.ratioToFloor, 2),
          checked(checks.wcuPerLifecycle, 2),
          fixed(unit.rcu, 2),
          fixed(unit.failed, 3),
          `${fixed(unit.calls, 1)} (${fixed(perLifecycle(run.floor).calls, 1)})`,
          checked(checks.orderViolations, 0),
          checked(checks.groupLockViolations, 0),
          String(run.service.workload.duplicates),
        ],
        THROUGHPUT,
      ),
    );
  }
  lines.push(
    '',
    'Targets (issue 3), "!!" = missed: ratio >= 0.5; WCU/lc <= 16 unbatched, <= 7.5 at 10 messages per group;',
    'no order and no group-lock violation. floor/s = the Standard floor of the same shape, from this run',
    '(* = measured for the FIFO configuration, its Standard one not being selected). order, lock = violations',
    '(bench/fifo-checker.ts) over the whole run; dup = deliveries of a message id within its visibility timeout.',
    '',
    row(['checks', 'sent', 'delivered', 'redeliv', 'handovers*'], CHECKS),
  );
  for (const run of fifo.runs) {
    const c = run.checks;
    lines.push(
      row(
        [
          run.config.name,
          String(c.sent),
          String(c.delivered),
          String(c.redeliveries),
          String(c.handoversDuringDelete),
        ],
        CHECKS,
      ),
    );
    for (const example of c.examples) lines.push(`  ${example}`);
  }
  lines.push(
    '* a receive returned a group whose previous holder had sent its delete but not yet seen the answer:',
    '  allowed (the delete may have released the group first), shown because it proves the check had chances.',
    '',
    ...latencyTable(fifo.runs),
    ...(fifo.runs.some((run) => run.service.cost.byAction) ? byActionTable(fifo.runs) : []),
    ...costTable(
      fifo.costPerAction,
      `FIFO: DynamoDB work per message by action, one call at a time (no contention), ${fifo.costBacklogPerGroup} messages per group in ${fifo.groups} groups:`,
    ),
  );
  return lines;
}

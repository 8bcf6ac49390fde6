import { type BenchReport, MAX_LONG_POLL_WAKE_P99_MS, perLifecycle, targetChecks } from './report.js';
import { deadLetterText } from './report-dead-letter.js';
import { fifoText } from './report-fifo-text.js';
import { byActionTable, checked, costTable, fixed, latencyTable, row } from './text-table.js';

/** Readable tables for a terminal. */
export function toText(report: BenchReport): string {
  return [
    ...header(report),
    ...(report.runs.length ? [...throughputTable(report), ...latencyTable(report.runs)] : []),
    ...(report.runs.some((run) => run.service.cost.byAction) ? byActionTable(report.runs) : []),
    ...(report.fifo ? fifoText(report.fifo) : []),
    ...longPollLines(report),
    ...costTable(
      report.costPerAction,
      'DynamoDB work per message by action, one call at a time (no contention), 200-message backlog:',
    ),
    ...(report.deadLetter ? deadLetterText(report.deadLetter) : []),
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
    ...(method.auth ? [`Service: ${method.auth}.`] : []),
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

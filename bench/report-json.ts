import { type BenchReport, roundDeep, runJson, targetChecks } from './report.js';
import { deadLetterJson } from './report-dead-letter.js';
import { fifoJson } from './report-fifo.js';
import { per, round } from './stats.js';

/** The one object `--json` prints. */
export function toJson(report: BenchReport): unknown {
  const longPollWakeP99Ms = report.longPoll?.sendStartToReceiveMs.p99 ?? null;
  const configs = Object.fromEntries(
    report.runs.map((run) => {
      const {
        lifecyclesPerSec,
        wcuPerLifecycle,
        rcuPerLifecycle,
        failedConditionalWritesPerLifecycle,
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
          wcuPerLifecycle,
          rcuPerLifecycle,
          failedConditionalWritesPerLifecycle,
          longPollWakeP99Ms,
          ...service,
          floor,
          targets: targetChecks(run, report.longPoll),
        },
      ];
    }),
  );
  return {
    configs,
    fifo: report.fifo ? fifoJson(report.fifo) : null,
    longPoll: report.longPoll ?? null,
    costPerAction: roundDeep(report.costPerAction),
    deadLetter: report.deadLetter ? deadLetterJson(report.deadLetter) : null,
    machine: report.machine,
    method: report.method,
    totalSeconds: round(report.totalSeconds, 1),
  };
}

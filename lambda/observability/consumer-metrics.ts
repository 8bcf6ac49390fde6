import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FilteredReport, InvocationReport } from '../consumers/ports.js';
import { DEFAULT_METRICS_NAMESPACE, QUEUE_NAME_DIMENSION } from './queue-metrics.js';

/** The consumer's function, next to `QueueName`: the two name one consumer (one `QueueEventSource`). */
export const FUNCTION_NAME_DIMENSION = 'FunctionName';

/** Metric names of a consumer; the CDK `QueueEventSource.metric...()` methods name exactly these. */
export const CONSUMER_METRIC = {
  invocations: 'ConsumerInvocations',
  errors: 'ConsumerErrors',
  records: 'ConsumerRecords',
  filtered: 'ConsumerRecordsFiltered',
  duration: 'ConsumerDuration',
  ageOfOldestRecord: 'ConsumerAgeOfOldestRecord',
} as const;

/** Outcomes that left the whole batch in the queue: the handler failed, or its answer could not be used. */
const ERROR_OUTCOMES: ReadonlySet<InvocationReport['outcome']> = new Set([
  'error',
  'timeout',
  'invalid-response',
  'late',
]);

/**
 * Per-consumer metrics in the service's namespace, as EMF through Powertools: one document per invocation,
 * dimensions `QueueName` and `FunctionName`. Errors counts invocations whose whole batch stayed (a throw, a
 * timeout, an unusable answer, an answer after the visibility timeout); a partial batch response is a success,
 * as it is to Lambda.
 */
export class ConsumerMetrics {
  private readonly metrics: Metrics;

  constructor(options: { readonly namespace?: string } = {}) {
    this.metrics = new Metrics({ namespace: options.namespace ?? DEFAULT_METRICS_NAMESPACE });
    // As in QueueMetrics: only the dimensions set here, so alarms on exactly these match.
    this.metrics.clearDefaultDimensions();
  }

  publishInvocation(functionName: string, report: InvocationReport): void {
    this.metrics.addDimensions({
      [QUEUE_NAME_DIMENSION]: report.queueName,
      [FUNCTION_NAME_DIMENSION]: functionName,
    });
    this.metrics.addMetric(CONSUMER_METRIC.invocations, MetricUnit.Count, 1);
    this.metrics.addMetric(
      CONSUMER_METRIC.errors,
      MetricUnit.Count,
      ERROR_OUTCOMES.has(report.outcome) ? 1 : 0,
    );
    this.metrics.addMetric(CONSUMER_METRIC.records, MetricUnit.Count, report.records);
    this.metrics.addMetric(CONSUMER_METRIC.duration, MetricUnit.Milliseconds, report.durationMs);
    this.metrics.addMetric(
      CONSUMER_METRIC.ageOfOldestRecord,
      MetricUnit.Milliseconds,
      report.oldestRecordAgeMs,
    );
    this.metrics.publishStoredMetrics();
  }

  publishFiltered(functionName: string, report: FilteredReport): void {
    if (report.records === 0) return;
    this.metrics.addDimensions({
      [QUEUE_NAME_DIMENSION]: report.queueName,
      [FUNCTION_NAME_DIMENSION]: functionName,
    });
    this.metrics.addMetric(CONSUMER_METRIC.filtered, MetricUnit.Count, report.records);
    this.metrics.publishStoredMetrics();
  }
}

/** The function name in a function ARN (`arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]`). */
export function functionNameOfArn(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts[0] === 'arn' && parts.length >= 7 ? (parts[6] as string) : functionArn;
}

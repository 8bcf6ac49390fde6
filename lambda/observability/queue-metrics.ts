import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { QueueActivity } from '../engine/activity.js';
import type { QueueGauge } from '../engine/queue-gauges.js';

/** The CloudWatch namespace when `POWERTOOLS_METRICS_NAMESPACE` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'DynamoSQS';

/** The one dimension of every metric, as in `AWS/SQS`; the CDK `Queue.metric...()` methods name exactly this. */
export const QUEUE_NAME_DIMENSION = 'QueueName';

/** Metric names, spelled as Amazon SQS spells them in `AWS/SQS` (plus one SQS does not have). */
export const QUEUE_METRIC = {
  sent: 'NumberOfMessagesSent',
  sentMessageSize: 'SentMessageSize',
  received: 'NumberOfMessagesReceived',
  emptyReceives: 'NumberOfEmptyReceives',
  deleted: 'NumberOfMessagesDeleted',
  movedToDeadLetterQueue: 'NumberOfMessagesMovedToDeadLetterQueue',
  visible: 'ApproximateNumberOfMessagesVisible',
  notVisible: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
  ageOfOldestMessage: 'ApproximateAgeOfOldestMessage',
} as const;

/**
 * Powertools flushes on its own when one metric holds 100 values, and that flush drops the QueueName dimension
 * for the values after it; so a queue's message sizes go out in documents of at most this many.
 */
const MAX_VALUES_PER_DOCUMENT = 99;

interface Counters {
  sent: number;
  sizes: number[];
  received: number;
  emptyReceives: number;
  deleted: number;
  moved: number;
}

/**
 * Per-queue CloudWatch metrics in the Embedded Metric Format, through Powertools: the engine's activity is
 * added up in memory and `flush` writes one EMF document per queue (to stdout, where Lambda's log stream
 * carries it to CloudWatch). Counts are never lost or doubled between flushes, so activity of one invocation
 * that ends up in the next flush still adds up to the right sums.
 */
export class QueueMetrics implements QueueActivity {
  private readonly metrics: Metrics;
  private readonly pending = new Map<string, Counters>();

  constructor(options: { readonly namespace?: string } = {}) {
    this.metrics = new Metrics({ namespace: options.namespace ?? DEFAULT_METRICS_NAMESPACE });
    // Powertools adds a `service` dimension by default; CloudWatch matches a metric only on its exact set of
    // dimensions, so it would hide every metric from `QueueName`-only queries and alarms.
    this.metrics.clearDefaultDimensions();
  }

  messagesSent(queueName: string, sizesBytes: readonly number[]): void {
    const counters = this.countersOf(queueName);
    counters.sent += sizesBytes.length;
    counters.sizes.push(...sizesBytes);
  }

  messagesReceived(queueName: string, count: number): void {
    const counters = this.countersOf(queueName);
    if (count > 0) counters.received += count;
    else counters.emptyReceives++;
  }

  messagesDeleted(queueName: string, count: number): void {
    this.countersOf(queueName).deleted += count;
  }

  messagesMovedToDeadLetterQueue(queueName: string, count: number): void {
    this.countersOf(queueName).moved += count;
  }

  /** Not a metric: a move task's progress is in ListMessageMoveTasks, and its messages count as sent nowhere. */
  messagesMovedIn(_queueName: string): void {}

  /** Whether any activity waits for `flush`. */
  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Writes the activity since the last flush, one document per queue (more for many message sizes). */
  flush(): void {
    const queues = [...this.pending];
    this.pending.clear();
    for (const [queueName, counters] of queues) {
      this.metrics.addDimension(QUEUE_NAME_DIMENSION, queueName);
      addCount(this.metrics, QUEUE_METRIC.sent, counters.sent);
      addCount(this.metrics, QUEUE_METRIC.received, counters.received);
      addCount(this.metrics, QUEUE_METRIC.emptyReceives, counters.emptyReceives);
      addCount(this.metrics, QUEUE_METRIC.deleted, counters.deleted);
      addCount(this.metrics, QUEUE_METRIC.movedToDeadLetterQueue, counters.moved);
      const sizes = counters.sizes;
      for (let start = 0; start === 0 || start < sizes.length; start += MAX_VALUES_PER_DOCUMENT) {
        if (start > 0) this.metrics.addDimension(QUEUE_NAME_DIMENSION, queueName);
        for (const size of sizes.slice(start, start + MAX_VALUES_PER_DOCUMENT)) {
          this.metrics.addMetric(QUEUE_METRIC.sentMessageSize, MetricUnit.Bytes, size);
        }
        this.metrics.publishStoredMetrics();
      }
    }
  }

  /** Writes one queue's gauges at once, as one document. */
  publishGauge(gauge: QueueGauge): void {
    this.metrics.addDimension(QUEUE_NAME_DIMENSION, gauge.queueName);
    this.metrics.addMetric(QUEUE_METRIC.visible, MetricUnit.Count, gauge.visible);
    this.metrics.addMetric(QUEUE_METRIC.notVisible, MetricUnit.Count, gauge.inflight);
    this.metrics.addMetric(QUEUE_METRIC.delayed, MetricUnit.Count, gauge.delayed);
    if (gauge.ageOfOldestMessageSeconds !== undefined) {
      this.metrics.addMetric(
        QUEUE_METRIC.ageOfOldestMessage,
        MetricUnit.Seconds,
        gauge.ageOfOldestMessageSeconds,
      );
    }
    this.metrics.publishStoredMetrics();
  }

  private countersOf(queueName: string): Counters {
    let counters = this.pending.get(queueName);
    if (counters === undefined) {
      counters = { sent: 0, sizes: [], received: 0, emptyReceives: 0, deleted: 0, moved: 0 };
      this.pending.set(queueName, counters);
    }
    return counters;
  }
}

/** Counters go out only when something happened: a sum over zeros is zero, and a document costs log bytes. */
function addCount(metrics: Metrics, name: string, value: number): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

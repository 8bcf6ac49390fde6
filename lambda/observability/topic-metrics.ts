import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TopicActivity } from '../topics/fan-out.js';
import { DEFAULT_METRICS_NAMESPACE } from './queue-metrics.js';

/** The one dimension of every topic metric, as in `AWS/SNS`; the CDK `Topic.metric...()` methods name exactly this. */
export const TOPIC_NAME_DIMENSION = 'TopicName';

/** Metric names, spelled as Amazon SNS spells them in `AWS/SNS`. */
export const TOPIC_METRIC = {
  published: 'NumberOfMessagesPublished',
  delivered: 'NumberOfNotificationsDelivered',
  failed: 'NumberOfNotificationsFailed',
  filteredOut: 'NumberOfNotificationsFilteredOut',
} as const;

interface Counters {
  published: number;
  delivered: number;
  failed: number;
  filteredOut: number;
}

/**
 * Per-topic CloudWatch metrics in the Embedded Metric Format, like `QueueMetrics`: the publisher's and fan-out's
 * activity is added up in memory and `flush` writes one EMF document per topic. A delivery counts once per
 * subscription that now holds the message; a failed one was dead-lettered or dropped for good; a filtered-out one
 * is a subscription whose filter policy did not match the publish.
 */
export class TopicMetrics implements TopicActivity {
  private readonly metrics: Metrics;
  private readonly pending = new Map<string, Counters>();

  constructor(options: { readonly namespace?: string } = {}) {
    this.metrics = new Metrics({ namespace: options.namespace ?? DEFAULT_METRICS_NAMESPACE });
    // As for queues: a `service` dimension would hide every metric from `TopicName`-only alarms.
    this.metrics.clearDefaultDimensions();
  }

  published(topicName: string): void {
    this.countersOf(topicName).published++;
  }

  delivered(topicName: string, count: number): void {
    this.countersOf(topicName).delivered += count;
  }

  failed(topicName: string, count: number): void {
    this.countersOf(topicName).failed += count;
  }

  filteredOut(topicName: string, count: number): void {
    this.countersOf(topicName).filteredOut += count;
  }

  /** Whether any activity waits for `flush`. */
  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Writes the activity since the last flush, one document per topic. */
  flush(): void {
    const topics = [...this.pending];
    this.pending.clear();
    for (const [topicName, counters] of topics) {
      this.metrics.addDimension(TOPIC_NAME_DIMENSION, topicName);
      addCount(this.metrics, TOPIC_METRIC.published, counters.published);
      addCount(this.metrics, TOPIC_METRIC.delivered, counters.delivered);
      addCount(this.metrics, TOPIC_METRIC.failed, counters.failed);
      addCount(this.metrics, TOPIC_METRIC.filteredOut, counters.filteredOut);
      this.metrics.publishStoredMetrics();
    }
  }

  private countersOf(topicName: string): Counters {
    let counters = this.pending.get(topicName);
    if (counters === undefined) {
      counters = { published: 0, delivered: 0, failed: 0, filteredOut: 0 };
      this.pending.set(topicName, counters);
    }
    return counters;
  }
}

/** Counters go out only when something happened: a sum over zeros is zero, and a document costs log bytes. */
function addCount(metrics: Metrics, name: string, value: number): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

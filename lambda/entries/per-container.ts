import type { Config } from '../config.js';
import { QueueMetrics } from '../observability/queue-metrics.js';

/**
 * What a Lambda container builds once and reuses for every invocation (the service, its DynamoDB client): `start`
 * runs on the first call; a failed start (e.g. DynamoDB unreachable) is not kept, so the next invocation tries
 * again instead of failing for the container's whole life.
 */
export function perContainer<T>(
  start: () => Promise<T>,
  onStartFailed?: (error: unknown) => void,
): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    if (started === undefined) {
      started = start().catch((error: unknown) => {
        started = undefined;
        onStartFailed?.(error);
        throw error;
      });
    }
    return started;
  };
}

/** Per-queue metrics in the configured namespace (`POWERTOOLS_METRICS_NAMESPACE`, else `DynamoSQS`). */
export function queueMetricsFor(config: Config): QueueMetrics {
  return new QueueMetrics(config.metricsNamespace ? { namespace: config.metricsNamespace } : {});
}

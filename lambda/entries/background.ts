import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { readConfig } from '../config.js';
import { createService, type Service } from '../create-service.js';
import { BackgroundKicks } from '../dispatch/background-kicks.js';
import { configuredKicks } from '../dispatch/configured-kicks.js';
import type { QueueActivity } from '../engine/activity.js';
import { QueueMetrics } from '../observability/queue-metrics.js';
import { QueueDueTimes } from '../storage/dynamo/consumer-due.js';
import { perContainer, queueMetricsFor } from './per-container.js';

/**
 * How long before the function's timeout the work stops: a move task step in progress finishes and writes its
 * count (a step moves at most 10 messages), and the last gauges are written, well inside it.
 */
export const BACKGROUND_MARGIN_MS = 10_000;

/** The part of the Lambda context the background job reads. */
export type BackgroundContext = Pick<Context, 'getRemainingTimeInMillis'> &
  Partial<Pick<Context, 'awsRequestId'>>;

/** What one run did; also written as its log line. */
export interface BackgroundResult {
  /** Queues whose gauges were published. */
  readonly queuesMeasured: number;
  /** False when the deadline stopped the gauges before the last queue; the next run carries on after it. */
  readonly gaugesComplete: boolean;
  /** DynamoDB capacity the run consumed, as AWS bills it. */
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly dynamodbCalls: number;
  readonly durationMs: number;
}

/** A scheduled-event handler (EventBridge Scheduler or rule); the event itself is not read. */
export type BackgroundHandler = (event: unknown, context: BackgroundContext) => Promise<BackgroundResult>;

export interface BackgroundHandlerOptions {
  /**
   * Builds the service on the first run, telling `activity` what move tasks do; the container reuses it.
   * @default - `createService(readConfig(), { ensureTable: false, runMoveTasks: false, metrics: activity })`
   */
  readonly createService?: (activity?: QueueActivity) => Promise<Service>;
  /** @default BACKGROUND_MARGIN_MS */
  readonly marginMs?: number;
  /** @default - a Powertools Logger (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`) */
  readonly logger?: Logger;
  /** Where the gauges go. @default - a QueueMetrics in the configured namespace */
  readonly metrics?: QueueMetrics;
}

interface Runtime {
  readonly service: Service;
  readonly metrics: QueueMetrics;
  /** Kicks of the consumers' dispatcher, when the stack configured one. */
  readonly consumerKicks?: () => BackgroundKicks;
}

/**
 * Creates the background job, run every minute: it moves the messages of message move tasks and publishes every
 * queue's gauges (ApproximateNumberOfMessagesVisible, ...NotVisible, ...Delayed, ApproximateAgeOfOldestMessage),
 * both until `marginMs` before the function's timeout. Nothing else needs periodic work: messages, content,
 * FIFO bookkeeping and wake pointers expire through DynamoDB's TTL, and a queue's finished move tasks beyond the
 * ten ListMessageMoveTasks shows are deleted when a task ends.
 */
export function createBackgroundHandler(options: BackgroundHandlerOptions = {}): BackgroundHandler {
  const logger = options.logger ?? new Logger();
  const marginMs = options.marginMs ?? BACKGROUND_MARGIN_MS;
  const start = async (): Promise<Runtime> => {
    const config = readConfig();
    const configured = configuredKicks(config, (error, kick) =>
      logger.error('dispatcher kick failed; the next run kicks again', { queueName: kick.queueName, error }),
    );
    // A move task's step into a queue with a consumer kicks its dispatcher (docs/design.md, "Consumers on AWS").
    const activity = configured?.kicks;
    const service = options.createService
      ? await options.createService(activity)
      : await createService(config, {
          ensureTable: false,
          runMoveTasks: false,
          ...(activity ? { metrics: activity } : {}),
        });
    const metrics = options.metrics ?? (options.createService ? new QueueMetrics() : queueMetricsFor(config));
    if (!configured) return { service, metrics };
    const dueTimes = new QueueDueTimes(configured.clients.db, config.accountId);
    const consumerKicks = () =>
      new BackgroundKicks({
        kicks: configured.kicks,
        registry: configured.registry,
        nextDueMs: (queueName, afterMs, untilMs) => dueTimes.nextDueMs(queueName, afterMs, untilMs),
        onError: (error, queueName) => logger.error('consumer kick failed', { queueName, error }),
      });
    return { service, metrics, consumerKicks };
  };
  const runtime = perContainer(start);
  // Where the last run's gauges stopped, when its deadline came first; a cold container starts from the top.
  let resumeAfter: string | undefined;
  return async (_event, context) => {
    const startedMs = Date.now();
    const untilMs = startedMs + context.getRemainingTimeInMillis() - marginMs;
    const { service, metrics, consumerKicks } = await runtime();
    const kicks = consumerKicks?.();
    const before = service.meter.snapshot();
    // Each queue's depth also goes to the console's history (one small write per queue and minute).
    const depthWrites: Promise<void>[] = [];
    // All run at once: a long move task must not hold the gauges back, nor many queues a move task. Topic
    // recovery finishes publishes whose fan-out was cut off (docs/design.md, "Topics").
    const [moves, gauges, topicRecovery] = await Promise.allSettled([
      service.moveTaskRunner.runOnce(untilMs),
      service.gauges.measure({
        untilMs,
        ...(resumeAfter !== undefined ? { afterName: resumeAfter } : {}),
        onGauge: (gauge) => {
          metrics.publishGauge(gauge);
          kicks?.onGauge(gauge);
          depthWrites.push(service.consoleHistory.recordDepth(gauge));
        },
      }),
      service.topics.recovery.runOnce(untilMs),
    ]);
    await kicks?.settle();
    const depthFailures = (await Promise.allSettled(depthWrites)).filter(
      (write) => write.status === 'rejected',
    );
    if (depthFailures.length > 0) {
      // A missing minute in the console's chart, not a failed run: the gauges themselves were published.
      logger.warn('background run: console history writes failed', {
        failed: depthFailures.length,
        error: depthFailures[0]?.reason,
      });
    }
    const after = service.meter.snapshot();
    const pass = gauges.status === 'fulfilled' ? gauges.value : undefined;
    if (pass) resumeAfter = pass.complete ? undefined : pass.stoppedAfter;
    const result: BackgroundResult = {
      queuesMeasured: pass?.measured ?? 0,
      gaugesComplete: pass?.complete ?? false,
      readUnits: after.readUnits - before.readUnits,
      writeUnits: after.writeUnits - before.writeUnits,
      dynamodbCalls: after.calls - before.calls,
      durationMs: Date.now() - startedMs,
    };
    const lambdaRequestId = context.awsRequestId;
    if (topicRecovery.status === 'fulfilled' && topicRecovery.value > 0) {
      logger.info('background run: delivered publishes whose fan-out was cut off', {
        lambdaRequestId,
        publishes: topicRecovery.value,
      });
    }
    const failures = [moves, gauges, topicRecovery].flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason] : [],
    );
    if (failures.length > 0) {
      logger.error('background run failed', { lambdaRequestId, ...result, error: failures[0] });
      // A failed run shows in the function's Errors metric; the next scheduled run tries again.
      throw failures[0];
    }
    if (!result.gaugesComplete) {
      logger.warn('background run: the deadline stopped the gauges; the next run carries on', {
        lambdaRequestId,
        resumeAfter,
      });
    }
    logger.info('background run', { lambdaRequestId, ...result });
    return result;
  };
}

/** The background function's entry point (`lambda/entries/background.handler`). */
export const handler: BackgroundHandler = createBackgroundHandler();

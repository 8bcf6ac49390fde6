import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { readConfig } from '../config.js';
import { createService, type Service } from '../create-service.js';
import { configuredKicks } from '../dispatch/configured-kicks.js';
import type { DispatcherKicks } from '../dispatch/dispatcher-kicks.js';
import { combineActivity, type QueueActivity } from '../engine/activity.js';
import { QueueMetrics } from '../observability/queue-metrics.js';
import { logRequest } from '../observability/request-log.js';
import { TopicMetrics } from '../observability/topic-metrics.js';
import { decodeRequestBody } from '../protocol/body.js';
import type { HttpRequest } from '../protocol/http.js';
import { perContainer, queueMetricsFor } from './per-container.js';

/**
 * How long before the Lambda's deadline a long poll stops waiting: enough for its last DynamoDB read, the
 * response encoding and API Gateway's hand-back, so the client gets an empty answer rather than a timeout.
 */
export const LONG_POLL_MARGIN_MS = 2_000;

/** How long before the Lambda's deadline a storage call still waiting is abandoned, to answer a 503 in time. */
export const STORAGE_MARGIN_MS = 500;

/** The part of the Lambda context the entry reads. */
export type LambdaContext = Pick<Context, 'getRemainingTimeInMillis'> &
  Partial<Pick<Context, 'awsRequestId'>>;

/** An API Gateway HTTP API (payload format 2.0) Lambda proxy handler. */
export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: LambdaContext,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** How {@link createLambdaHandler} builds its service, times its long polls, logs and counts. */
export interface LambdaHandlerOptions {
  /**
   * Builds the service on the first invocation, reporting to `metrics`; the container reuses it for every later
   * one.
   * @default - `createService(readConfig(), { ensureTable: false, runMoveTasks: false, requireAuth: true, metrics })`:
   *   the stack creates the table, a frozen container cannot run move tasks in the background, and a function
   *   without keys (KEYS_KMS_KEY_ID or KEYS_LOCAL_KEY) refuses to start
   */
  readonly createService?: (metrics: QueueActivity) => Promise<Service>;
  /** @default LONG_POLL_MARGIN_MS */
  readonly longPollMarginMs?: number;
  /**
   * Writes one JSON line per request.
   * @default - a Powertools Logger (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`)
   */
  readonly logger?: Logger;
  /**
   * Adds up the engine's per-queue activity; flushed as EMF after every invocation that had any.
   * @default - a QueueMetrics in the configured namespace (`POWERTOOLS_METRICS_NAMESPACE`, else `DynamoSQS`)
   */
  readonly metrics?: QueueMetrics;
  /**
   * Adds up the topics' activity (published, delivered, filtered out, failed); flushed like `metrics`. A
   * `createService` given here reports to it by passing it as `topicActivity`.
   * @default - a TopicMetrics in the configured namespace
   */
  readonly topicMetrics?: TopicMetrics;
}

interface Runtime {
  readonly service: Service;
  readonly metrics: QueueMetrics;
  readonly topicMetrics: TopicMetrics;
  /** Kicks of the consumers' dispatcher after sends, when the stack configured one. */
  readonly kicks?: DispatcherKicks;
}

/** Creates an API Gateway HTTP API handler around the shared request handler; nothing SQS-specific happens here. */
export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaHandler {
  const logger = options.logger ?? new Logger();
  const marginMs = options.longPollMarginMs ?? LONG_POLL_MARGIN_MS;
  const start = async (): Promise<Runtime> => {
    const config = readConfig();
    // A send to a queue with a consumer kicks the dispatcher (docs/design.md, "Consumers on AWS").
    const kicks = configuredKicks(config, (error, kick) =>
      logger.error('dispatcher kick failed; the background job kicks within a minute', {
        lambdaRequestId,
        queueName: kick.queueName,
        error,
      }),
    )?.kicks;
    if (options.createService) {
      const metrics = options.metrics ?? new QueueMetrics();
      const activity = kicks ? combineActivity(metrics, kicks) : metrics;
      const topicMetrics = options.topicMetrics ?? new TopicMetrics();
      return {
        service: await options.createService(activity),
        metrics,
        topicMetrics,
        ...(kicks ? { kicks } : {}),
      };
    }
    const metrics = options.metrics ?? queueMetricsFor(config);
    const topicMetrics =
      options.topicMetrics ??
      new TopicMetrics(config.metricsNamespace ? { namespace: config.metricsNamespace } : {});
    // requireAuth: without a key cipher in its environment the function fails closed instead of serving anyone.
    const service = await createService(config, {
      ensureTable: false,
      runMoveTasks: false,
      requireAuth: true,
      metrics: kicks ? combineActivity(metrics, kicks) : metrics,
      topicActivity: topicMetrics,
    });
    return { service, metrics, topicMetrics, ...(kicks ? { kicks } : {}) };
  };
  let lambdaRequestId: string | undefined;
  const runtime = perContainer(start, (error) =>
    logger.error('service failed to start', { lambdaRequestId, error }),
  );
  return async (event, context) => {
    const startedMs = Date.now();
    lambdaRequestId = context.awsRequestId;
    const { service, metrics, topicMetrics, kicks } = await runtime();
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(),
      Math.max(0, context.getRemainingTimeInMillis() - marginMs),
    );
    try {
      const response = await service.handler(toHttpRequest(event), {
        signal: deadline.signal,
        deadlineMs: Date.now() + context.getRemainingTimeInMillis() - STORAGE_MARGIN_MS,
      });
      logRequest(logger, response, Date.now() - startedMs, context.awsRequestId);
      // SQS answers (JSON and XML) are always text, so the body never needs base64.
      return {
        statusCode: response.status,
        headers: { ...response.headers },
        body: response.body,
        isBase64Encoded: false,
      };
    } finally {
      clearTimeout(timer);
      if (metrics.hasPending()) metrics.flush();
      if (topicMetrics.hasPending()) topicMetrics.flush();
      // Before returning: Lambda freezes the container once the handler's promise settles.
      await kicks?.settle();
    }
  };
}

/** The function's entry point (`lambda/entries/lambda.handler`): one service per container, built on first use. */
export const handler: LambdaHandler = createLambdaHandler();

/** Turns a payload 2.0 event back into the request the client sent. */
export function toHttpRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string | undefined> = { ...event.headers };
  // Payload 2.0 moves Cookie headers out of `headers`; SQS ignores them, but the request stays as it was sent.
  if (event.cookies !== undefined && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
  // Queue URLs are built from Host and X-Forwarded-Proto (see queue-url.ts): the domain the client called,
  // custom or execute-api, over HTTPS, the only scheme an HTTP API serves.
  headers.host ??= event.requestContext.domainName;
  headers['x-forwarded-proto'] ??= 'https';
  const body = event.body ?? '';
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: event.rawQueryString,
    headers,
    body: event.isBase64Encoded ? decodeRequestBody(Buffer.from(body, 'base64')) : body,
  };
}

import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type Config, readConfig } from '../config.js';
import { createService, type Service } from '../create-service.js';
import { DISPATCH_MARGIN_MS } from '../dispatch/consumer-declaration.js';
import { isDispatchKick } from '../dispatch/consumer-registration.js';
import { ConsumerRegistry } from '../dispatch/consumer-registry.js';
import { createDispatchClients, type DispatchClients } from '../dispatch/dispatch-clients.js';
import { type DispatchResult, dispatchQueue } from '../dispatch/dispatch-queue.js';
import { lambdaInvoker, sendKick } from '../dispatch/lambda-invoker.js';
import { ConsumerMetrics, functionNameOfArn } from '../observability/consumer-metrics.js';
import type { QueueMetrics } from '../observability/queue-metrics.js';
import { DynamoConcurrencySlots } from '../storage/dynamo/consumer-slots.js';
import { perContainer, queueMetricsFor } from './per-container.js';

/** A slot's lease outlives its dispatcher's deadline by this much: by then Lambda has stopped it for sure. */
const LEASE_MARGIN_MS = 5_000;

/** The part of the Lambda context the dispatcher reads. */
export type DispatcherContext = Pick<Context, 'getRemainingTimeInMillis' | 'functionName'> &
  Partial<Pick<Context, 'awsRequestId'>>;

export type DispatcherHandler = (event: unknown, context: DispatcherContext) => Promise<DispatchResult>;

export interface DispatcherHandlerOptions {
  /** @default - `readConfig()` */
  readonly config?: Config;
  /** @default - `createService(config, { ensureTable: false, runMoveTasks: false, metrics })` */
  readonly createService?: (metrics: QueueMetrics) => Promise<Service>;
  /** @default - a Powertools Logger */
  readonly logger?: Logger;
}

interface Runtime {
  readonly service: Service;
  readonly clients: DispatchClients;
  readonly registry: ConsumerRegistry;
  readonly queueMetrics: QueueMetrics;
  readonly consumerMetrics: ConsumerMetrics;
}

/**
 * The dispatcher (docs/design.md, "Consumers on AWS"): invoked asynchronously with a kick `{ queueName,
 * notBeforeMs? }` by the request function after a send, by the background job, and by itself to carry on. It
 * runs the queue's consumers as Lambda's SQS pollers would: receives through the engine, invokes each consumer's
 * function synchronously, settles the batch by Lambda's rules, and ends when the queue is empty. Concurrency is
 * shared with every other dispatcher invocation through leases in the table.
 */
export function createDispatcherHandler(options: DispatcherHandlerOptions = {}): DispatcherHandler {
  const logger = options.logger ?? new Logger();
  const start = async (): Promise<Runtime> => {
    const config = options.config ?? readConfig();
    const queueMetrics = queueMetricsFor(config);
    const service = options.createService
      ? await options.createService(queueMetrics)
      : await createService(config, { ensureTable: false, runMoveTasks: false, metrics: queueMetrics });
    const clients = createDispatchClients(config, service.meter);
    return {
      service,
      clients,
      registry: new ConsumerRegistry(clients.consumers),
      queueMetrics,
      consumerMetrics: new ConsumerMetrics(
        config.metricsNamespace ? { namespace: config.metricsNamespace } : {},
      ),
    };
  };
  const runtime = perContainer(start);
  return async (event, context) => {
    if (!isDispatchKick(event)) {
      // Nothing retries this: an asynchronous invocation that throws would be tried twice more for nothing.
      logger.error('dispatcher: not a kick', { lambdaRequestId: context.awsRequestId });
      return emptyResult('');
    }
    const { service, clients, registry, queueMetrics, consumerMetrics } = await runtime();
    const deadlineMs = Date.now() + context.getRemainingTimeInMillis();
    const startedMs = Date.now();
    try {
      const result = await dispatchQueue(event, {
        engine: service.engine,
        consumersOf: (queueName) => registry.consumersOfKicked(queueName),
        slots: new DynamoConcurrencySlots(clients.db, {
          leaseUntilMs: () => deadlineMs + LEASE_MARGIN_MS,
          nowMs: Date.now,
        }),
        invokerFor: (consumer) => lambdaInvoker(clients.lambda, consumer.functionArn),
        kick: (kick) => sendKick(clients.lambda, context.functionName, kick),
        onInvocation: (consumer, report) => {
          const functionName = functionNameOfArn(consumer.functionArn);
          consumerMetrics.publishInvocation(functionName, report);
          const line = {
            lambdaRequestId: context.awsRequestId,
            queueName: report.queueName,
            functionName,
            records: report.records,
            outcome: report.outcome,
            durationMs: report.durationMs,
            deleted: report.deleted,
            kept: report.kept,
            ...(report.error ? { error: report.error } : {}),
            ...(report.invalidResponse ? { invalidResponse: report.invalidResponse } : {}),
          };
          if (report.outcome === 'success' || report.outcome === 'partial')
            logger.info('consumer invocation', line);
          else logger.warn('consumer invocation failed', line);
        },
        onFiltered: (consumer, report) =>
          consumerMetrics.publishFiltered(functionNameOfArn(consumer.functionArn), report),
        onError: (error, during) =>
          logger.warn('dispatcher: a queue call failed; its messages come back', {
            lambdaRequestId: context.awsRequestId,
            queueName: event.queueName,
            during,
            error,
          }),
        untilMs: deadlineMs - DISPATCH_MARGIN_MS,
      });
      logger.info('dispatch', {
        lambdaRequestId: context.awsRequestId,
        ...result,
        durationMs: Date.now() - startedMs,
      });
      return result;
    } finally {
      if (queueMetrics.hasPending()) queueMetrics.flush();
    }
  };
}

function emptyResult(queueName: string): DispatchResult {
  return { queueName, consumers: 0, invocations: 0, records: 0, filtered: 0, handedOn: 0, deferred: false };
}

/** The dispatcher function's entry point (`lambda/entries/dispatcher.handler`). */
export const handler: DispatcherHandler = createDispatcherHandler();

import { Logger } from '@aws-lambda-powertools/logger';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { readConfig } from '../config.js';
import { createService, type Service } from '../create-service.js';
import { CONSUMER_RESOURCE_TYPE } from '../dispatch/consumer-declaration.js';
import { createDispatchClients } from '../dispatch/dispatch-clients.js';
import { SqsError } from '../engine/errors.js';
import { NUMERIC_QUEUE_ATTRIBUTES } from '../engine/limits.js';
import { attributesForNewQueue } from '../engine/queue-attributes.js';
import type { SqsEngine, StringMap } from '../engine/types.js';
import { applyQueues, QueueApplyError } from '../queues-config/apply.js';
import { declaredAttributes } from '../queues-config/diff.js';
import { parseQueueDeclaration } from '../queues-config/parse.js';
import { type QueueDeclaration, QueuesConfigError, queueArn } from '../queues-config/schema.js';
import { SUBSCRIPTION_RESOURCE_TYPE, TOPIC_RESOURCE_TYPE } from '../queues-config/topics.js';
import { handleConsumerResourceEvent } from './consumer-resource.js';
import { perContainer } from './per-container.js';
import { handleTopicResourceEvent, type TopicResourceResponse } from './topic-resource.js';

/** What CloudFormation gets back: the queue's name is its physical id. */
export interface QueueResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly QueueName: string; readonly QueueArn: string };
}

/** The Provider framework's onEvent handler; it throws to fail the event, with a message CloudFormation shows. */
export type QueueResourceHandler = (
  event: CdkCustomResourceEvent,
) => Promise<QueueResourceResponse | TopicResourceResponse>;

export interface QueueResourceHandlerOptions {
  /**
   * Builds the service on the first event; the container reuses it.
   * @default - `createService(readConfig(), { ensureTable: false, runMoveTasks: false })`
   */
  readonly createService?: () => Promise<Service>;
  /** @default - a Powertools Logger (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL`) */
  readonly logger?: Logger;
}

/**
 * Creates the onEvent handler of the custom resource behind the CDK `Queue` construct. `ResourceProperties.Queue`
 * is one queue declaration as a queues config file writes it, as JSON; it is checked by the same parser and
 * applied through the same engine actions, so every SQS rule holds.
 *
 * - Create: CreateQueue, which fails as SQS does when a queue of that name exists with other attributes (a queue
 *   that is someone else's is never taken over), then the declared tags.
 * - Update: the queue is made to match; attributes, tags or a dead-letter queue the old declaration had and the
 *   new one drops go back to SQS's defaults. A new name creates the new queue as Create does; CloudFormation then
 *   deletes the old one.
 * - Delete: DeleteQueue; a queue already gone is success.
 *
 * Every event can be repeated (CloudFormation retries, rollbacks) with the same outcome.
 */
export function createQueueResourceHandler(options: QueueResourceHandlerOptions = {}): QueueResourceHandler {
  const logger = options.logger ?? new Logger();
  const start =
    options.createService ?? (() => createService(readConfig(), { ensureTable: false, runMoveTasks: false }));
  const service = perContainer(start);
  const engine = async (): Promise<SqsEngine> => (await service()).engine;
  // A QueueEventSource's registration comes through the same provider (lambda/entries/consumer-resource.ts).
  const consumers = perContainer(
    async () => createDispatchClients(readConfig(), (await service()).meter).consumers,
  );
  return async (event) => {
    const log = { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId };
    try {
      const response =
        event.ResourceType === CONSUMER_RESOURCE_TYPE
          ? await handleConsumerResourceEvent(event, { engine, consumers })
          : event.ResourceType === TOPIC_RESOURCE_TYPE || event.ResourceType === SUBSCRIPTION_RESOURCE_TYPE
            ? // A CDK Topic and its QueueSubscriptions come through the same provider (topic-resource.ts).
              await handleTopicResourceEvent(event, { topics: async () => (await service()).topics.engine })
            : await handleEvent(event, engine);
      logger.info('queue resource', { ...log, queueName: response.PhysicalResourceId });
      return response;
    } catch (error) {
      logger.error('queue resource failed', { ...log, error });
      throw error;
    }
  };
}

/** The custom resource function's entry point (`lambda/entries/queue-resource.handler`). */
export const handler: QueueResourceHandler = createQueueResourceHandler();

async function handleEvent(
  event: CdkCustomResourceEvent,
  engine: () => Promise<SqsEngine>,
): Promise<QueueResourceResponse> {
  if (event.RequestType === 'Delete') {
    const name = event.PhysicalResourceId;
    await deleteQueue(await engine(), name);
    return response(await engine(), name);
  }
  const queue = declarationOf(event.ResourceProperties, 'ResourceProperties');
  const sqs = await engine();
  if (event.RequestType === 'Create' || queue.name !== event.PhysicalResourceId) {
    await createQueue(sqs, queue);
    return response(sqs, queue.name);
  }
  const previous = previousDeclaration(event.OldResourceProperties);
  await applyQueues(sqs, { queues: [withDropsReset(queue, previous)] });
  return response(sqs, queue.name);
}

function response(engine: SqsEngine, queueName: string): QueueResourceResponse {
  return {
    PhysicalResourceId: queueName,
    Data: { QueueName: queueName, QueueArn: queueArn(engine, queueName) },
  };
}

/** The `Queue` property, parsed and checked; the error names each field that is wrong. */
function declarationOf(properties: Record<string, unknown>, where: string): QueueDeclaration {
  const text = properties.Queue;
  if (typeof text !== 'string') {
    throw new Error(`${where}.Queue must be one queue declaration as a JSON string, got ${typeof text}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}.Queue is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseQueueDeclaration(json);
  } catch (error) {
    if (error instanceof QueuesConfigError)
      throw new Error(`${where}.Queue is not a valid queue declaration:\n${error.message}`);
    throw error;
  }
}

/** The declaration the queue had before this update; none when CloudFormation sent none we can read. */
function previousDeclaration(properties: Record<string, unknown> | undefined): QueueDeclaration | undefined {
  if (properties === undefined) return undefined;
  try {
    return declarationOf(properties, 'OldResourceProperties');
  } catch {
    // It was accepted when it was applied; unreadable now only if this code changed. Nothing is reset then.
    return undefined;
  }
}

/**
 * CreateQueue with every declared attribute: a queue of this name with other attributes is an error, as in SQS;
 * the same queue again is success. Tags follow, so a retried Create that finds its queue also finds its tags.
 */
async function createQueue(engine: SqsEngine, queue: QueueDeclaration): Promise<void> {
  try {
    await engine.createQueue({
      queueName: queue.name,
      attributes: declaredAttributes(queue, (name) => queueArn(engine, name)),
      ...(queue.tags !== undefined ? { tags: queue.tags } : {}),
    });
  } catch (error) {
    throw new QueueApplyError(queue.name, 'CreateQueue', error);
  }
  if (queue.tags !== undefined) await applyQueues(engine, { queues: [queue] });
}

async function deleteQueue(engine: SqsEngine, name: string): Promise<void> {
  try {
    await engine.deleteQueue({ queueName: name });
  } catch (error) {
    // Already gone (deleted by hand, or a rollback repeating the delete): what Delete asks for is true.
    if (error instanceof SqsError && error.code === 'QueueDoesNotExist') return;
    throw new QueueApplyError(name, 'DeleteQueue', error);
  }
}

/**
 * A CloudFormation resource is its properties: what the old declaration set and the new one leaves out goes back
 * to SQS's default (a queues config file, by contrast, leaves whatever it does not mention alone).
 */
function withDropsReset(queue: QueueDeclaration, previous: QueueDeclaration | undefined): QueueDeclaration {
  if (previous === undefined) return queue;
  const reset: Record<string, string> = {};
  for (const name of Object.keys(previous.attributes)) {
    if (!Object.hasOwn(queue.attributes, name)) reset[name] = defaultAttribute(name, queue.fifo);
  }
  // An empty RedrivePolicy removes the dead-letter queue, as SetQueueAttributes takes it.
  if (previous.deadLetterQueue !== undefined && queue.deadLetterQueue === undefined) reset.RedrivePolicy = '';
  return {
    ...queue,
    attributes: { ...reset, ...queue.attributes },
    ...(queue.tags === undefined && previous.tags !== undefined ? { tags: {} } : {}),
  };
}

/** SQS's value for an attribute nobody set; an empty value removes a policy or key. */
function defaultAttribute(name: string, fifo: boolean): string {
  const defaults: StringMap = attributesForNewQueue(fifo ? { FifoQueue: 'true' } : {});
  if (Object.hasOwn(defaults, name)) return defaults[name] as string;
  if (Object.hasOwn(NUMERIC_QUEUE_ATTRIBUTES, name)) {
    return String(NUMERIC_QUEUE_ATTRIBUTES[name as keyof typeof NUMERIC_QUEUE_ATTRIBUTES].default);
  }
  return '';
}

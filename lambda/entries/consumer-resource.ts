import { createHash } from 'node:crypto';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import {
  type ConsumerDeclaration,
  checkConsumerDeclaration,
  parseConsumerDeclaration,
} from '../dispatch/consumer-declaration.js';
import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import { queueArn } from '../queues-config/schema.js';
import type { ConsumerItems } from '../storage/dynamo/consumers.js';

/** What CloudFormation gets back; the same shape as a queue's, naming the consumed queue. */
export interface ConsumerResourceResponse {
  /** The consumer id. */
  readonly PhysicalResourceId: string;
  readonly Data: { readonly QueueName: string; readonly QueueArn: string };
}

export interface ConsumerResourceDeps {
  readonly engine: () => Promise<SqsEngine>;
  readonly consumers: () => Promise<Pick<ConsumerItems, 'put' | 'get' | 'delete'>>;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

/**
 * Handles the custom resource of a `QueueEventSource` (`Custom::SqsConsumer`; the queue resource function routes
 * it here). `ResourceProperties.Consumer` is a {@link ConsumerDeclaration} as JSON.
 *
 * - Create: checks the declaration against the queue as CreateEventSourceMapping would (the queue exists, the
 *   settings fit its type, its visibility timeout is no shorter than the function's timeout) and writes the
 *   registration. Its id is derived from the request, so a repeated Create writes the same item.
 * - Update: the same checks, then the registration is replaced in place; a move to another queue registers a
 *   new consumer, and CloudFormation deletes the old one.
 * - Delete: removes the registration; one already gone is success.
 */
export async function handleConsumerResourceEvent(
  event: CdkCustomResourceEvent,
  deps: ConsumerResourceDeps,
): Promise<ConsumerResourceResponse> {
  const nowMs = (deps.nowMs ?? Date.now)();
  const consumers = await deps.consumers();
  const engine = await deps.engine();
  if (event.RequestType === 'Delete') {
    const existing = await consumers.get(event.PhysicalResourceId);
    await consumers.delete(event.PhysicalResourceId);
    return response(engine, event.PhysicalResourceId, existing?.settings.queueName ?? '');
  }
  const declaration = parseConsumerDeclaration(event.ResourceProperties.Consumer);
  const settings = checkConsumerDeclaration(declaration, await queueFacts(engine, declaration.queueName));
  const previous = event.RequestType === 'Update' ? await consumers.get(event.PhysicalResourceId) : undefined;
  const consumerId =
    previous && previous.settings.queueName === declaration.queueName
      ? previous.consumerId
      : idOfRequest(event);
  await consumers.put({
    consumerId,
    functionArn: declaration.functionArn,
    settings,
    createdMs: previous?.consumerId === consumerId ? previous.createdMs : nowMs,
    modifiedMs: nowMs,
  });
  return response(engine, consumerId, declaration.queueName);
}

async function queueFacts(
  engine: SqsEngine,
  queueName: string,
): Promise<{ fifo: boolean; visibilityTimeoutSeconds: number }> {
  try {
    const attributes = await engine.getQueueAttributes({ queueName, attributeNames: ['VisibilityTimeout'] });
    return {
      // SQS answers "Unknown Attribute" for FifoQueue on a Standard queue; the name tells the type.
      fifo: queueName.endsWith('.fifo'),
      visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? '30'),
    };
  } catch (error) {
    if (error instanceof SqsError && error.code === 'QueueDoesNotExist') {
      throw new Error(`Consumer: the queue '${queueName}' does not exist in the service`);
    }
    throw error;
  }
}

/** A consumer id CloudFormation's retries of one request reproduce: a hash of the stack, resource and request. */
function idOfRequest(event: CdkCustomResourceEvent): string {
  const hash = createHash('sha256')
    .update(`${event.StackId}\n${event.LogicalResourceId}\n${event.RequestId}`)
    .digest('base64url');
  return `consumer-${hash.slice(0, 22)}`;
}

function response(engine: SqsEngine, consumerId: string, queueName: string): ConsumerResourceResponse {
  return {
    PhysicalResourceId: consumerId,
    Data: { QueueName: queueName, QueueArn: queueName ? queueArn(engine, queueName) : '' },
  };
}

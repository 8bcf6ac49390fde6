import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import { declaredAttributes, diffQueue, type ExistingQueue, isUnchanged, type QueueChange } from './diff.js';
import type { QueuePlan } from './plan.js';
import { type QueueDeclaration, queueArn } from './schema.js';

/** What applying a declaration did to one queue. */
export interface QueueOutcome {
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly change: QueueChange;
}

/** An SQS action the engine refused while a queue was applied; `cause` is the engine's error. */
export class QueueApplyError extends Error {
  override readonly name = 'QueueApplyError';

  constructor(
    readonly queueName: string,
    readonly action: string,
    cause: unknown,
  ) {
    super(`queue '${queueName}': ${action} failed: ${describeCause(cause)}`, { cause });
  }
}

/**
 * Creates or updates every queue of a plan, in its order, through the engine's public actions, so every
 * SQS rule applies. All queues are read first and compared with their declarations, so a queue whose
 * type differs stops the run before anything is written; a second run with the same plan changes nothing.
 * Queues the plan does not name are left alone.
 * @throws QueuesConfigError when an existing queue is of the other type
 * @throws QueueApplyError when the engine refuses an action
 */
export async function applyQueues(engine: SqsEngine, plan: QueuePlan): Promise<QueueOutcome[]> {
  const arnOf = (name: string) => queueArn(engine, name);
  const changes: QueueChange[] = [];
  for (const queue of plan.queues) {
    changes.push(diffQueue(queue, await readQueue(engine, queue, arnOf), arnOf));
  }
  const outcomes: QueueOutcome[] = [];
  for (const change of changes) outcomes.push(await applyChange(engine, change));
  return outcomes;
}

/** One line for a report: `orders: updated attributes VisibilityTimeout; tags added team`. */
export function describeOutcome(outcome: QueueOutcome): string {
  const { change } = outcome;
  if (outcome.status !== 'updated') return `${change.queueName}: ${outcome.status}`;
  const parts: string[] = [];
  const attributes = Object.keys(change.attributes);
  if (attributes.length > 0) parts.push(`attributes ${attributes.join(', ')}`);
  const tags = [
    ...listed('added', Object.keys(change.addedTags)),
    ...listed('changed', Object.keys(change.changedTags)),
    ...listed('removed', change.removedTagKeys),
  ];
  if (tags.length > 0) parts.push(`tags ${tags.join(', ')}`);
  return `${change.queueName}: updated ${parts.join('; ')}`;
}

function listed(verb: string, keys: readonly string[]): string[] {
  return keys.length === 0 ? [] : [`${verb} ${keys.join(', ')}`];
}

/** The queue's current attributes (those the declaration sets) and tags, or `undefined` if it is missing. */
async function readQueue(
  engine: SqsEngine,
  queue: QueueDeclaration,
  arnOf: (name: string) => string,
): Promise<ExistingQueue | undefined> {
  const queueName = queue.name;
  // A queue's name fixes its type, so asking a FIFO queue for FifoQueue (and only it) is safe.
  const attributeNames = Object.keys(declaredAttributes(queue, arnOf));
  let attributes: ExistingQueue['attributes'];
  try {
    attributes = await engine.getQueueAttributes({ queueName, attributeNames });
  } catch (error) {
    if (error instanceof SqsError && error.code === 'QueueDoesNotExist') return undefined;
    throw new QueueApplyError(queueName, 'GetQueueAttributes', error);
  }
  if (!queue.tags) return { attributes, tags: {} };
  try {
    return { attributes, tags: await engine.listQueueTags({ queueName }) };
  } catch (error) {
    throw new QueueApplyError(queueName, 'ListQueueTags', error);
  }
}

async function applyChange(engine: SqsEngine, change: QueueChange): Promise<QueueOutcome> {
  const { queueName } = change;
  if (change.create) {
    await act(queueName, 'CreateQueue', () =>
      engine.createQueue({ queueName, attributes: change.attributes, tags: change.addedTags }),
    );
    return { status: 'created', change };
  }
  if (isUnchanged(change)) return { status: 'unchanged', change };
  if (Object.keys(change.attributes).length > 0) {
    await act(queueName, 'SetQueueAttributes', () =>
      engine.setQueueAttributes({ queueName, attributes: change.attributes }),
    );
  }
  // Untag before tagging, so a swap of keys never counts more than 50 tags at once.
  if (change.removedTagKeys.length > 0) {
    await act(queueName, 'UntagQueue', () =>
      engine.untagQueue({ queueName, tagKeys: change.removedTagKeys }),
    );
  }
  const tags = { ...change.addedTags, ...change.changedTags };
  if (Object.keys(tags).length > 0) {
    await act(queueName, 'TagQueue', () => engine.tagQueue({ queueName, tags }));
  }
  return { status: 'updated', change };
}

async function act(queueName: string, action: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    throw new QueueApplyError(queueName, action, error);
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

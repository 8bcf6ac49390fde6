import type { StringMap } from '../engine/types.js';
import { isPlainObject, JSON_ATTRIBUTES, parseJson } from './attribute-rules.js';
import { type QueueDeclaration, QueuesConfigError } from './schema.js';

/** A queue as it exists: the attributes and tags the engine reports. */
export interface ExistingQueue {
  readonly attributes: StringMap;
  readonly tags: StringMap;
}

/** What it takes to make one queue match its declaration. */
export interface QueueChange {
  readonly queueName: string;
  /** The queue does not exist: CreateQueue with `attributes` and `addedTags`. */
  readonly create: boolean;
  /** Every declared attribute for a new queue; those that differ for an existing one. */
  readonly attributes: StringMap;
  /** Tags the queue does not have yet. */
  readonly addedTags: StringMap;
  /** Tags the queue has with another value. */
  readonly changedTags: StringMap;
  /** Tags the queue has that the declaration does not list (only when it lists tags at all). */
  readonly removedTagKeys: readonly string[];
}

/**
 * The attributes a declaration asks for, RedrivePolicy included: its dead-letter queue's ARN comes from
 * `arnOf`, which knows the account and region.
 */
export function declaredAttributes(queue: QueueDeclaration, arnOf: (name: string) => string): StringMap {
  if (!queue.deadLetterQueue) return queue.attributes;
  const redrivePolicy = {
    deadLetterTargetArn: arnOf(queue.deadLetterQueue.name),
    maxReceiveCount: queue.deadLetterQueue.maxReceiveCount,
  };
  return { ...queue.attributes, RedrivePolicy: JSON.stringify(redrivePolicy) };
}

/**
 * Compares a declared queue with the queue as it exists (`undefined`: it does not) and says what to
 * create, set, tag and untag; `arnOf` gives the ARN its RedrivePolicy names. Attributes the declaration leaves out are not compared, so they keep their
 * values; tags are compared only when the declaration lists tags.
 * @throws QueuesConfigError when the existing queue is of the other type, which SQS cannot change
 */
export function diffQueue(
  queue: QueueDeclaration,
  existing: ExistingQueue | undefined,
  arnOf: (name: string) => string,
): QueueChange {
  const declared = declaredAttributes(queue, arnOf);
  if (!existing) {
    return {
      queueName: queue.name,
      create: true,
      attributes: declared,
      addedTags: queue.tags ?? {},
      changedTags: {},
      removedTagKeys: [],
    };
  }
  const existingFifo = existing.attributes.FifoQueue === 'true';
  if (existingFifo !== queue.fifo) {
    throw new QueuesConfigError([
      {
        queue: `queue '${queue.name}'`,
        field: 'attributes.FifoQueue',
        problem: `is ${queue.fifo}, but the existing queue is a ${existingFifo ? 'FIFO' : 'Standard'} queue; SQS cannot change a queue's type (delete the queue, or declare another name)`,
      },
    ]);
  }

  const attributes: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(declared)) {
    if (name === 'FifoQueue') continue;
    if (!sameAttributeValue(name, existing.attributes[name], value)) attributes[name] = value;
  }
  const addedTags: Record<string, string> = Object.create(null);
  const changedTags: Record<string, string> = Object.create(null);
  const removedTagKeys: string[] = [];
  if (queue.tags) {
    for (const [key, value] of Object.entries(queue.tags)) {
      if (!Object.hasOwn(existing.tags, key)) addedTags[key] = value;
      else if (existing.tags[key] !== value) changedTags[key] = value;
    }
    for (const key of Object.keys(existing.tags)) {
      if (!Object.hasOwn(queue.tags, key)) removedTagKeys.push(key);
    }
  }
  return { queueName: queue.name, create: false, attributes, addedTags, changedTags, removedTagKeys };
}

/** Whether a change makes no call at all. */
export function isUnchanged(change: QueueChange): boolean {
  return (
    !change.create &&
    Object.keys(change.attributes).length === 0 &&
    Object.keys(change.addedTags).length === 0 &&
    Object.keys(change.changedTags).length === 0 &&
    change.removedTagKeys.length === 0
  );
}

/**
 * JSON documents compare by content, so the engine may store them with other spacing or key order; a
 * RedrivePolicy's maxReceiveCount compares as a number, which SQS accepts as a string too.
 */
function sameAttributeValue(name: string, existing: string | undefined, declared: string): boolean {
  if (existing === declared) return true;
  if (existing === undefined || !JSON_ATTRIBUTES.includes(name)) return false;
  return canonicalJson(name, existing) === canonicalJson(name, declared);
}

function canonicalJson(name: string, text: string): string | undefined {
  const document = parseJson(text);
  if (!isPlainObject(document)) return undefined;
  if (name === 'RedrivePolicy' && document.maxReceiveCount !== undefined) {
    document.maxReceiveCount = Number(document.maxReceiveCount);
  }
  return JSON.stringify(sortKeys(document));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

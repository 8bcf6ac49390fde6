import {
  MAX_QUEUE_NAME_LENGTH,
  MAX_RECEIVE_COUNT,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_QUEUE,
} from '../engine/limits.js';
import type { StringMap } from '../engine/types.js';
import { ATTRIBUTE_RULES, isPlainObject, READ_ONLY_ATTRIBUTES, toInteger } from './attribute-rules.js';
import {
  type DeadLetterQueueDeclaration,
  type QueueDeclaration,
  type QueuesConfig,
  QueuesConfigError,
  type QueuesConfigIssue,
} from './schema.js';

const FIFO_SUFFIX = '.fifo';
const NAME_ALLOWED = `1 to ${MAX_QUEUE_NAME_LENGTH} letters, digits, hyphens or underscores, ending in .fifo for a FIFO queue`;
const QUEUE_FIELDS = ['name', 'attributes', 'tags', 'deadLetterQueue'];
const DEAD_LETTER_QUEUE_FIELDS = ['name', 'maxReceiveCount'];
const RECEIVE_COUNT_ALLOWED = `an integer from 1 to ${MAX_RECEIVE_COUNT}`;

/**
 * Checks a parsed queues config file (`{ "queues": [ ... ] }`) and returns it normalised. Every problem in
 * the file is reported at once, in a QueuesConfigError whose lines name the queue and the field. Checks
 * between queues (dead-letter queues declared, no cycles) are `planQueues`'s.
 */
export function parseQueuesConfig(json: unknown): QueuesConfig {
  if (!isPlainObject(json)) {
    throw new QueuesConfigError([
      {
        field: 'the queues config',
        problem: `must be a JSON object like { "queues": [...] }, got ${show(json)}`,
      },
    ]);
  }
  const issues: QueuesConfigIssue[] = [];
  for (const key of Object.keys(json)) {
    // `consumers` and `topics` are checked by consumers.ts and topics.ts, against the queues this returns.
    if (key !== 'queues' && key !== 'consumers' && key !== 'topics')
      issues.push({
        field: key,
        problem: 'is not a queues config field; allowed: queues, consumers, topics',
      });
  }
  const entries = json.queues;
  if (!Array.isArray(entries)) {
    issues.push({ field: 'queues', problem: `must be an array of queue declarations, got ${show(entries)}` });
    throw new QueuesConfigError(issues);
  }

  const queues: QueueDeclaration[] = [];
  const indexesByName = new Map<string, number[]>();
  entries.forEach((entry: unknown, index) => {
    const queue = parseEntry(entry, `queues[${index}]`, issues);
    if (queue === undefined) return;
    queues.push(queue);
    indexesByName.set(queue.name, [...(indexesByName.get(queue.name) ?? []), index]);
  });
  for (const [name, indexes] of indexesByName) {
    if (indexes.length > 1) {
      const where = indexes.map((index) => `queues[${index}]`).join(', ');
      issues.push({
        queue: `queue '${name}'`,
        field: 'name',
        problem: `is declared more than once (${where})`,
      });
    }
  }
  if (issues.length > 0) throw new QueuesConfigError(issues);
  return { queues };
}

/**
 * Checks one queue declaration, as a file entry or the props of a CDK `Queue`, and returns it normalised.
 * @throws QueuesConfigError naming the queue and each field that is wrong
 */
export function parseQueueDeclaration(json: unknown): QueueDeclaration {
  const issues: QueuesConfigIssue[] = [];
  const queue = parseEntry(json, 'the queue', issues);
  if (queue === undefined || issues.length > 0) throw new QueuesConfigError(issues);
  return queue;
}

/** Returns the declaration when its name is valid (other issues are collected), else `undefined`. */
function parseEntry(
  entry: unknown,
  position: string,
  issues: QueuesConfigIssue[],
): QueueDeclaration | undefined {
  if (!isPlainObject(entry)) {
    issues.push({ field: position, problem: `must be an object with at least a name, got ${show(entry)}` });
    return undefined;
  }
  const name = isQueueName(entry.name) ? entry.name : undefined;
  const queue = name === undefined ? position : `queue '${name}'`;
  const report = (field: string, problem: string) => issues.push({ queue, field, problem });

  if (name === undefined) report('name', nameProblem(entry.name));
  for (const key of Object.keys(entry)) {
    if (!QUEUE_FIELDS.includes(key)) report(key, `is not a queue field; allowed: ${QUEUE_FIELDS.join(', ')}`);
  }
  const fifo = name?.endsWith(FIFO_SUFFIX) ?? false;
  const attributes = parseAttributes(entry.attributes, fifo, name !== undefined, report);
  const tags = entry.tags === undefined ? undefined : parseTags(entry.tags, report);
  const deadLetterQueue =
    entry.deadLetterQueue === undefined ? undefined : parseDeadLetterQueue(entry.deadLetterQueue, report);
  if (name === undefined) return undefined;
  return {
    name,
    fifo,
    attributes,
    ...(tags === undefined ? {} : { tags }),
    ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
  };
}

type Report = (field: string, problem: string) => void;

function parseAttributes(json: unknown, fifo: boolean, knowsType: boolean, report: Report): StringMap {
  const attributes: Record<string, string> = Object.create(null);
  if (json === undefined) return fifo ? { FifoQueue: 'true' } : attributes;
  if (!isPlainObject(json)) {
    report('attributes', `must be an object of SQS queue attributes, got ${show(json)}`);
    return attributes;
  }
  for (const [name, value] of Object.entries(json)) {
    const field = `attributes.${name}`;
    const rule = Object.hasOwn(ATTRIBUTE_RULES, name) ? ATTRIBUTE_RULES[name] : undefined;
    if (rule === undefined) {
      report(field, unknownAttributeProblem(name));
      continue;
    }
    if (rule.fifoOnly && !fifo && knowsType) {
      report(field, 'applies only to FIFO queues, whose names end in .fifo');
      continue;
    }
    const normalised = rule.normalise(value);
    if (normalised === undefined) {
      report(field, `must be ${rule.allowed}, got ${show(value)}`);
      continue;
    }
    attributes[name] = normalised;
  }

  if (knowsType && attributes.FifoQueue === 'true' && !fifo) {
    report('attributes.FifoQueue', 'is true, but a FIFO queue needs a name that ends in .fifo');
  }
  if (knowsType && attributes.FifoQueue === 'false' && fifo) {
    report('attributes.FifoQueue', 'is false, but a name ending in .fifo is a FIFO queue (drop FifoQueue)');
  }
  // SQS answers "Unknown Attribute FifoQueue" for a Standard queue even when it is false: leave it out.
  delete attributes.FifoQueue;
  if (fifo) attributes.FifoQueue = 'true';
  if (
    attributes.FifoThroughputLimit === 'perMessageGroupId' &&
    attributes.DeduplicationScope !== 'messageGroup'
  ) {
    report(
      'attributes.FifoThroughputLimit',
      "is 'perMessageGroupId', which needs attributes.DeduplicationScope 'messageGroup' too",
    );
  }
  return attributes;
}

function unknownAttributeProblem(name: string): string {
  if (name === 'RedrivePolicy') {
    return 'is set with deadLetterQueue: { "name": "<a queue in this file>", "maxReceiveCount": <1 to 1000> }';
  }
  if (READ_ONLY_ATTRIBUTES.includes(name)) return 'is read-only: SQS sets it';
  return `is not an SQS queue attribute; allowed: ${Object.keys(ATTRIBUTE_RULES).join(', ')}`;
}

function parseTags(json: unknown, report: Report): StringMap | undefined {
  if (!isPlainObject(json)) {
    report('tags', `must be an object of tag keys and values, got ${show(json)}`);
    return undefined;
  }
  const tags: Record<string, string> = Object.create(null);
  const entries = Object.entries(json);
  if (entries.length > MAX_TAGS_PER_QUEUE) {
    report('tags', `has ${entries.length} tags; a queue can have at most ${MAX_TAGS_PER_QUEUE}`);
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
      const field = key.length === 0 ? 'tags' : `tags.${key.slice(0, 20)}...`;
      report(
        field,
        `has a key of ${key.length} characters; tag keys are 1 to ${MAX_TAG_KEY_LENGTH} characters`,
      );
      continue;
    }
    const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    if (typeof text !== 'string' || text.length > MAX_TAG_VALUE_LENGTH) {
      report(
        `tags.${key}`,
        `must be a string of up to ${MAX_TAG_VALUE_LENGTH} characters, got ${show(value)}`,
      );
      continue;
    }
    tags[key] = text;
  }
  return tags;
}

function parseDeadLetterQueue(json: unknown, report: Report): DeadLetterQueueDeclaration | undefined {
  if (!isPlainObject(json)) {
    report(
      'deadLetterQueue',
      `must be an object like { "name": "orders-dlq", "maxReceiveCount": 5 }, got ${show(json)}`,
    );
    return undefined;
  }
  for (const key of Object.keys(json)) {
    if (!DEAD_LETTER_QUEUE_FIELDS.includes(key)) {
      report(
        `deadLetterQueue.${key}`,
        `is not a deadLetterQueue field; allowed: ${DEAD_LETTER_QUEUE_FIELDS.join(', ')}`,
      );
    }
  }
  const name = isQueueName(json.name) ? json.name : undefined;
  if (name === undefined) report('deadLetterQueue.name', nameProblem(json.name));
  const count = toInteger(json.maxReceiveCount);
  const validCount = count !== undefined && count >= 1 && count <= MAX_RECEIVE_COUNT;
  if (json.maxReceiveCount === undefined) {
    report('deadLetterQueue.maxReceiveCount', `is required: ${RECEIVE_COUNT_ALLOWED}`);
  } else if (!validCount) {
    report(
      'deadLetterQueue.maxReceiveCount',
      `must be ${RECEIVE_COUNT_ALLOWED}, got ${show(json.maxReceiveCount)}`,
    );
  }
  return name !== undefined && validCount ? { name, maxReceiveCount: count } : undefined;
}

/** SQS's queue name rule; a `.fifo` suffix makes it a FIFO queue's name. */
function isQueueName(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const base = value.endsWith(FIFO_SUFFIX) ? value.slice(0, -FIFO_SUFFIX.length) : value;
  return value.length <= MAX_QUEUE_NAME_LENGTH && /^[A-Za-z0-9_-]+$/.test(base);
}

function nameProblem(value: unknown): string {
  return value === undefined ? `is required: ${NAME_ALLOWED}` : `must be ${NAME_ALLOWED}, got ${show(value)}`;
}

/** A value as it would appear in the file, cut short when long. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

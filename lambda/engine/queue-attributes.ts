import {
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidParameterValue,
  UnsupportedOperation,
} from './errors.js';
import { MAX_QUEUE_NAME_LENGTH, NUMERIC_QUEUE_ATTRIBUTES, type NumericQueueAttribute } from './limits.js';
import type { StringMap } from './types.js';

/** Attributes a client may set on a Standard queue, besides the numeric ones in limits.ts. */
const FREE_FORM_ATTRIBUTES = ['Policy', 'KmsMasterKeyId', 'SqsManagedSseEnabled'] as const;

/** Owned by later work (FIFO queues, dead-letter queues): rejected with a clear message until then. */
const NOT_YET_SUPPORTED: Record<string, string> = {
  RedrivePolicy: 'Dead-letter queues (RedrivePolicy) are not supported by this service yet.',
  RedriveAllowPolicy: 'Dead-letter queues (RedriveAllowPolicy) are not supported by this service yet.',
};

const FIFO_ONLY = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'] as const;

export const COUNT_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

/** Every name GetQueueAttributes knows for a Standard queue, in the order `All` lists them. */
export const STANDARD_ATTRIBUTE_NAMES = [
  ...COUNT_ATTRIBUTES,
  'CreatedTimestamp',
  'DelaySeconds',
  'LastModifiedTimestamp',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'QueueArn',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
] as const;

const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

export function validateQueueName(name: string, attributes: StringMap | undefined): void {
  const fifoName = name.endsWith('.fifo');
  const fifoAttribute = attributes?.FifoQueue === 'true';
  if (
    fifoAttribute &&
    (!fifoName || !isValidName(name.slice(0, -'.fifo'.length), MAX_QUEUE_NAME_LENGTH - 5))
  ) {
    throw new InvalidParameterValue(
      'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.',
    );
  }
  if (fifoAttribute) throw new UnsupportedOperation('FIFO queues are not supported by this service yet.');
  // Without FifoQueue=true a name is a Standard queue's, where a period is not allowed.
  if (!isValidName(name, MAX_QUEUE_NAME_LENGTH)) {
    throw new InvalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

function isValidName(name: string, maxLength: number): boolean {
  return name.length > 0 && name.length <= maxLength && QUEUE_NAME.test(name);
}

/** The attributes of a new Standard queue: SQS's defaults overlaid with the validated request. */
export function attributesForNewQueue(requested: StringMap | undefined): Record<string, string> {
  const attributes: Record<string, string> = { SqsManagedSseEnabled: 'true' };
  for (const [name, rule] of Object.entries(NUMERIC_QUEUE_ATTRIBUTES)) {
    if (name !== 'KmsDataKeyReusePeriodSeconds') attributes[name] = String(rule.default);
  }
  return { ...attributes, ...validateSettableAttributes(requested ?? {}, 'create') };
}

/**
 * Checks names and values as SQS does and returns them normalised (`"030"` becomes `"30"`), so equal
 * settings compare equal when CreateQueue is repeated.
 */
export function validateSettableAttributes(
  requested: StringMap,
  action: 'create' | 'set',
): Record<string, string> {
  const valid: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(requested)) {
    if (typeof value !== 'string')
      throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
    // Object.hasOwn, not `in`: a client may send names such as `toString` or `__proto__`.
    if (Object.hasOwn(NUMERIC_QUEUE_ATTRIBUTES, name)) {
      valid[name] = validateNumeric(name as NumericQueueAttribute, value);
    } else if ((FREE_FORM_ATTRIBUTES as readonly string[]).includes(name)) {
      valid[name] = validateFreeForm(name, value);
    } else if (Object.hasOwn(NOT_YET_SUPPORTED, name)) {
      throw new UnsupportedOperation(NOT_YET_SUPPORTED[name] as string);
    } else if (name === 'FifoQueue') {
      if (action === 'set') throw new InvalidAttributeName(`Unknown Attribute ${name}.`);
      if (value !== 'false')
        throw new UnsupportedOperation('FIFO queues are not supported by this service yet.');
    } else if ((FIFO_ONLY as readonly string[]).includes(name)) {
      throw new InvalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
    } else {
      throw new InvalidAttributeName(`Unknown Attribute ${name}.`);
    }
  }
  return valid;
}

function validateNumeric(name: NumericQueueAttribute, value: string): string {
  const rule = NUMERIC_QUEUE_ATTRIBUTES[name];
  const n = /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
    throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
  }
  return String(n);
}

function validateFreeForm(name: string, value: string): string {
  if (name === 'SqsManagedSseEnabled') {
    if (value !== 'true' && value !== 'false')
      throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
    return value;
  }
  if (name === 'Policy' && value !== '') {
    try {
      const policy = JSON.parse(value) as unknown;
      if (typeof policy !== 'object' || policy === null) throw new Error('not an object');
    } catch {
      throw new InvalidAttributeValue(
        `Invalid value for the parameter ${name}. Reason: The policy is not valid JSON.`,
      );
    }
  }
  if (value.length > 20_480) throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
  return value;
}

/** The names GetQueueAttributes should answer, `All` expanded; unknown names are an error. */
export function resolveRequestedAttributes(names: readonly string[] | undefined): Set<string> {
  const resolved = new Set<string>();
  for (const name of names ?? []) {
    if (name === 'All') {
      for (const known of STANDARD_ATTRIBUTE_NAMES) resolved.add(known);
    } else if ((STANDARD_ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
      resolved.add(name);
    } else if (name === 'RedrivePolicy' || name === 'RedriveAllowPolicy' || name === 'FifoQueue') {
      // Known to SQS; a Standard queue without a redrive policy simply has no value for them.
    } else if ((FIFO_ONLY as readonly string[]).includes(name)) {
      // Same: FIFO attributes are absent on a Standard queue.
    } else {
      throw new InvalidAttributeName(`Unknown Attribute ${name}.`);
    }
  }
  return resolved;
}

/** The first requested attribute whose value differs from the existing queue's, if any. */
export function firstDifferingAttribute(existing: StringMap, requested: StringMap): string | undefined {
  const defaults = attributesForNewQueue(undefined);
  for (const [name, value] of Object.entries(requested)) {
    const current = existing[name] ?? defaults[name] ?? '';
    if (current !== value) return name;
  }
  return undefined;
}

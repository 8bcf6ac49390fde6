import { echoed, InvalidAttributeName, InvalidAttributeValue, InvalidParameterValue } from './errors.js';
import { checkField } from './field-rules.js';
import { MAX_QUEUE_NAME_LENGTH, NUMERIC_QUEUE_ATTRIBUTES, type NumericQueueAttribute } from './limits.js';
import { normaliseRedriveAllowPolicy, normaliseRedrivePolicy } from './redrive-policy.js';
import type { StringMap } from './types.js';

/** Attributes a client may set on a Standard queue, besides the numeric ones in limits.ts. */
const FREE_FORM_ATTRIBUTES = ['Policy', 'KmsMasterKeyId', 'SqsManagedSseEnabled'] as const;

/**
 * Dead-letter queue settings, checked for form and normalised here; the engine checks the target queue
 * (redrive-policy.ts: checkDeadLetterTarget). An empty value removes the setting.
 */
const REDRIVE_ATTRIBUTES: Record<string, (value: string) => string> = {
  RedrivePolicy: normaliseRedrivePolicy,
  RedriveAllowPolicy: normaliseRedriveAllowPolicy,
};

/** The attributes only a FIFO queue has that a client may set, with the values SQS allows and its defaults. */
const FIFO_SETTABLE = {
  ContentBasedDeduplication: { values: ['true', 'false'], default: 'false' },
  DeduplicationScope: { values: ['messageGroup', 'queue'], default: 'queue' },
  FifoThroughputLimit: { values: ['perQueue', 'perMessageGroupId'], default: 'perQueue' },
} as const satisfies Record<string, { values: readonly string[]; default: string }>;

type FifoSettableAttribute = keyof typeof FIFO_SETTABLE;

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
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
] as const;

/** The names only a FIFO queue answers, in the order `All` adds them after the Standard ones. */
export const FIFO_ATTRIBUTE_NAMES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

/** Whether a queue with these stored attributes is a FIFO queue. */
export function isFifoQueue(attributes: StringMap): boolean {
  return attributes.FifoQueue === 'true';
}

/** Whether a FIFO queue with these attributes deduplicates within each message group rather than queue-wide. */
export function deduplicationScopeIsGroup(attributes: StringMap): boolean {
  return attributes.DeduplicationScope === 'messageGroup';
}

/**
 * Checks a CreateQueue name against the queue type the attributes ask for: FifoQueue=true needs a `.fifo`
 * name, and any other request is for a Standard queue, whose name cannot contain a period.
 */
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
  if (fifoAttribute) return;
  if (!isValidName(name, MAX_QUEUE_NAME_LENGTH)) {
    throw new InvalidParameterValue(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

function isValidName(name: string, maxLength: number): boolean {
  return name.length > 0 && name.length <= maxLength && QUEUE_NAME.test(name);
}

/** SQS's defaults for every settable attribute of a new queue of either type. */
function defaultAttributes(fifo: boolean): Record<string, string> {
  const attributes: Record<string, string> = { SqsManagedSseEnabled: 'true' };
  for (const [name, rule] of Object.entries(NUMERIC_QUEUE_ATTRIBUTES)) {
    if (name !== 'KmsDataKeyReusePeriodSeconds') attributes[name] = String(rule.default);
  }
  if (fifo) {
    attributes.FifoQueue = 'true';
    for (const [name, rule] of Object.entries(FIFO_SETTABLE)) attributes[name] = rule.default;
  }
  return attributes;
}

/** The attributes of a new queue: SQS's defaults for its type overlaid with the validated request. */
export function attributesForNewQueue(validated: StringMap): Record<string, string> {
  return { ...defaultAttributes(isFifoQueue(validated)), ...validated };
}

/**
 * Checks CreateQueue's attributes as SQS does and returns them normalised (`"030"` becomes `"30"`), so equal
 * settings compare equal when CreateQueue is repeated. FifoQueue=true makes the request a FIFO queue's;
 * validateQueueName has already matched it with the name.
 */
export function validateCreateAttributes(requested: StringMap): Record<string, string> {
  const fifo = requested.FifoQueue === 'true';
  const valid = validateEach(requested, fifo, 'create');
  if (fifo) validateThroughputLimit({ ...defaultAttributes(true), ...valid });
  return valid;
}

/**
 * Checks SetQueueAttributes' attributes against the queue they change and returns the changes, normalised.
 * The queue type cannot change; FIFO settings are checked as the combination they leave behind.
 */
export function validateSetAttributes(requested: StringMap, current: StringMap): Record<string, string> {
  const fifo = isFifoQueue(current);
  const valid = validateEach(requested, fifo, 'set');
  if (fifo) validateThroughputLimit({ ...defaultAttributes(true), ...current, ...valid });
  return valid;
}

function validateEach(requested: StringMap, fifo: boolean, action: 'create' | 'set'): Record<string, string> {
  const valid: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(requested)) {
    if (typeof value !== 'string')
      throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
    // Object.hasOwn, not `in`: a client may send names such as `toString` or `__proto__`.
    if (Object.hasOwn(NUMERIC_QUEUE_ATTRIBUTES, name)) {
      valid[name] = validateNumeric(name as NumericQueueAttribute, value);
    } else if ((FREE_FORM_ATTRIBUTES as readonly string[]).includes(name)) {
      valid[name] = validateFreeForm(name, checkField('queueAttributeValue', name, value));
    } else if (Object.hasOwn(REDRIVE_ATTRIBUTES, name)) {
      checkField('queueAttributeValue', name, value);
      valid[name] = (REDRIVE_ATTRIBUTES[name] as (value: string) => string)(value);
    } else if (name === 'FifoQueue' && fifo) {
      // SQS accepts FifoQueue=true again on a FIFO queue and changes nothing.
      if (value !== 'true') {
        throw new InvalidAttributeValue(
          'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
        );
      }
      if (action === 'create') valid[name] = value;
    } else if (Object.hasOwn(FIFO_SETTABLE, name) && fifo) {
      valid[name] = validateFifoSetting(name as FifoSettableAttribute, value);
    } else if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') {
      throw new InvalidAttributeName(`You can specify the ${name} only when FifoQueue is set to true.`);
    } else {
      // A Standard queue does not know FifoQueue or ContentBasedDeduplication, even set to false.
      throw new InvalidAttributeName(`Unknown Attribute ${echoed(name)}.`);
    }
  }
  return valid;
}

function validateFifoSetting(name: FifoSettableAttribute, value: string): string {
  if (!(FIFO_SETTABLE[name].values as readonly string[]).includes(value)) {
    throw new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
  }
  return value;
}

/** High throughput FIFO (perMessageGroupId) needs deduplication per message group. */
function validateThroughputLimit(attributes: StringMap): void {
  if (attributes.FifoThroughputLimit === 'perMessageGroupId' && !deduplicationScopeIsGroup(attributes)) {
    throw new InvalidAttributeValue(
      'Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup.',
    );
  }
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

/**
 * The names GetQueueAttributes should answer for a queue with these attributes, `All` expanded; a name the
 * queue's type does not know is an error, as SQS answers FifoQueue on a Standard queue.
 */
export function resolveRequestedAttributes(
  names: readonly string[] | undefined,
  queueAttributes: StringMap,
): Set<string> {
  const known: readonly string[] = isFifoQueue(queueAttributes)
    ? [...STANDARD_ATTRIBUTE_NAMES, ...FIFO_ATTRIBUTE_NAMES]
    : STANDARD_ATTRIBUTE_NAMES;
  const resolved = new Set<string>();
  for (const name of names ?? []) {
    if (name === 'All') {
      for (const each of known) resolved.add(each);
    } else if (known.includes(name)) {
      resolved.add(name);
    } else {
      throw new InvalidAttributeName(`Unknown Attribute ${echoed(name)}.`);
    }
  }
  return resolved;
}

/**
 * The first requested attribute whose value differs from the existing queue's, if any. An attribute the
 * queue never had set compares as SQS's default for its type, so `DeduplicationScope=queue` matches a FIFO
 * queue created without it.
 */
export function firstDifferingAttribute(existing: StringMap, requested: StringMap): string | undefined {
  const defaults = defaultAttributes(isFifoQueue(existing));
  for (const [name, value] of Object.entries(requested)) {
    const current = existing[name] ?? defaults[name] ?? '';
    if (current !== value) return name;
  }
  return undefined;
}

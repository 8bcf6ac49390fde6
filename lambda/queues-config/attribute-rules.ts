import {
  MAX_REDRIVE_SOURCE_QUEUE_ARNS,
  NUMERIC_QUEUE_ATTRIBUTES,
  type NumericQueueAttribute,
} from '../engine/limits.js';

/** How one settable attribute is checked: what is allowed, and the value as SQS takes it. */
export interface AttributeRule {
  /** What is allowed, phrased to follow "must be": `an integer from 0 to 43200 (seconds)`. */
  readonly allowed: string;
  /** Only FIFO queues have it. @default false */
  readonly fifoOnly?: boolean;
  /** The value as SQS takes it (a string), or `undefined` when it is not allowed. */
  normalise(value: unknown): string | undefined;
}

/** SQS's longest Policy (and other free-form attribute) value. */
const MAX_FREE_FORM_LENGTH = 20_480;

const UNITS: Record<NumericQueueAttribute, string> = {
  DelaySeconds: 'seconds',
  MaximumMessageSize: 'bytes',
  MessageRetentionPeriod: 'seconds',
  ReceiveMessageWaitTimeSeconds: 'seconds',
  VisibilityTimeout: 'seconds',
  KmsDataKeyReusePeriodSeconds: 'seconds',
};

function numeric(name: NumericQueueAttribute): AttributeRule {
  const { min, max } = NUMERIC_QUEUE_ATTRIBUTES[name];
  return {
    allowed: `an integer from ${min} to ${max} (${UNITS[name]})`,
    normalise: (value) => {
      const n = toInteger(value);
      return n !== undefined && n >= min && n <= max ? String(n) : undefined;
    },
  };
}

function oneOf(values: readonly string[], options: { fifoOnly?: boolean } = {}): AttributeRule {
  return {
    allowed: values.map((value) => `'${value}'`).join(' or '),
    ...options,
    normalise: (value) => (typeof value === 'string' && values.includes(value) ? value : undefined),
  };
}

function boolean(options: { fifoOnly?: boolean } = {}): AttributeRule {
  return {
    allowed: 'true or false',
    ...options,
    normalise: (value) => {
      if (typeof value === 'boolean') return String(value);
      return value === 'true' || value === 'false' ? value : undefined;
    },
  };
}

/** A JSON document attribute: written as an object, or as the JSON string SQS itself takes. */
function jsonDocument(
  allowed: string,
  isValid: (document: Record<string, unknown>) => boolean,
): AttributeRule {
  return {
    allowed: `${allowed}, as an object or a string holding one`,
    normalise: (value) => {
      const document = typeof value === 'string' ? parseJson(value) : value;
      if (!isPlainObject(document) || !isValid(document)) return undefined;
      const text = typeof value === 'string' ? value : JSON.stringify(document);
      return text.length <= MAX_FREE_FORM_LENGTH ? text : undefined;
    },
  };
}

const REDRIVE_PERMISSIONS = ['allowAll', 'denyAll', 'byQueue'];

/** SQS: `sourceQueueArns` (1 to 10) only with `byQueue`. */
function isRedriveAllowPolicy(document: Record<string, unknown>): boolean {
  const permission = document.redrivePermission;
  if (typeof permission !== 'string' || !REDRIVE_PERMISSIONS.includes(permission)) return false;
  const arns = document.sourceQueueArns;
  if (arns === undefined) return permission !== 'byQueue';
  return (
    permission === 'byQueue' &&
    Array.isArray(arns) &&
    arns.length >= 1 &&
    arns.length <= MAX_REDRIVE_SOURCE_QUEUE_ARNS &&
    arns.every((arn) => typeof arn === 'string')
  );
}

/** Every attribute a queues config may set, by SQS's own name. */
export const ATTRIBUTE_RULES: Readonly<Record<string, AttributeRule>> = {
  DelaySeconds: numeric('DelaySeconds'),
  MaximumMessageSize: numeric('MaximumMessageSize'),
  MessageRetentionPeriod: numeric('MessageRetentionPeriod'),
  ReceiveMessageWaitTimeSeconds: numeric('ReceiveMessageWaitTimeSeconds'),
  VisibilityTimeout: numeric('VisibilityTimeout'),
  Policy: jsonDocument('a JSON policy document', () => true),
  RedriveAllowPolicy: jsonDocument(
    "a JSON object whose redrivePermission is 'allowAll', 'denyAll' or 'byQueue' (with 1 to 10 sourceQueueArns)",
    isRedriveAllowPolicy,
  ),
  KmsMasterKeyId: {
    allowed: 'a KMS key id, ARN or alias (a non-empty string)',
    normalise: (value) =>
      typeof value === 'string' && value.length > 0 && value.length <= MAX_FREE_FORM_LENGTH
        ? value
        : undefined,
  },
  KmsDataKeyReusePeriodSeconds: numeric('KmsDataKeyReusePeriodSeconds'),
  SqsManagedSseEnabled: boolean(),
  FifoQueue: boolean(),
  ContentBasedDeduplication: boolean({ fifoOnly: true }),
  DeduplicationScope: oneOf(['messageGroup', 'queue'], { fifoOnly: true }),
  FifoThroughputLimit: oneOf(['perQueue', 'perMessageGroupId'], { fifoOnly: true }),
};

/** Attributes SQS computes; a config cannot set them. */
export const READ_ONLY_ATTRIBUTES: readonly string[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

/** The attributes whose values are JSON documents: compared by content, not by spelling. */
export const JSON_ATTRIBUTES: readonly string[] = ['Policy', 'RedriveAllowPolicy', 'RedrivePolicy'];

/** A whole number from a JSON number or a string of digits, else `undefined`. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Whether a value is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value a JSON text holds, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

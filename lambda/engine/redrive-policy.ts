import { InvalidParameterValue, invalidParameter } from './errors.js';
import { isValidQueueName } from './field-rules.js';
import { MAX_RECEIVE_COUNT, MAX_REDRIVE_SOURCE_QUEUE_ARNS } from './limits.js';
import type { StringMap } from './types.js';

/**
 * Dead-letter queue settings as SQS spells and checks them: `RedrivePolicy` on a source queue and
 * `RedriveAllowPolicy` on a dead-letter queue. Both are stored normalised, in the form GetQueueAttributes
 * returns (`{"deadLetterTargetArn":"arn:…","maxReceiveCount":5}`, the count a number even when sent as a
 * string), so a repeated CreateQueue with the same policy compares equal. An empty value means "none".
 */

/** Where a source queue's messages go, read from its stored RedrivePolicy. */
export interface DeadLetterTargetOf {
  readonly queueName: string;
  readonly maxReceiveCount: number;
}

const REDRIVE_PERMISSIONS = ['allowAll', 'denyAll', 'byQueue'] as const;
type RedrivePermission = (typeof REDRIVE_PERMISSIONS)[number];

/** The ARN this service gives a queue. */
export function queueArnOf(queueName: string, accountId: string, region: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${queueName}`;
}

/** The queue an ARN names when it is one of this service's queues (this account and region); else undefined. */
export function queueNameOfArn(arn: string, accountId: string, region: string): string | undefined {
  const parts = parseArn(arn);
  if (parts?.partition !== 'aws' || parts.service !== 'sqs') return undefined;
  if (parts.region !== region || parts.accountId !== accountId || !isValidQueueName(parts.resource)) {
    return undefined;
  }
  return parts.resource;
}

/**
 * The dead-letter queue and receive count of a queue's stored (normalised) RedrivePolicy; undefined when the
 * queue has none. The queue name is the ARN's last segment: validation only stores this service's queues.
 */
export function deadLetterTargetOf(attributes: StringMap): DeadLetterTargetOf | undefined {
  const stored = attributes.RedrivePolicy;
  if (!stored) return undefined;
  const policy = parseJsonObject(stored);
  const arn = policy?.deadLetterTargetArn;
  const maxReceiveCount = policy?.maxReceiveCount;
  if (typeof arn !== 'string' || typeof maxReceiveCount !== 'number') return undefined;
  const queueName = arn.slice(arn.lastIndexOf(':') + 1);
  return queueName === '' ? undefined : { queueName, maxReceiveCount };
}

/**
 * Whether a queue with these stored attributes lets the queue `sourceArn` name it as its dead-letter queue.
 * Without a RedriveAllowPolicy every queue of the account and region may (SQS's default, allowAll).
 */
export function redriveAllowPolicyAllows(attributes: StringMap, sourceArn: string): boolean {
  const stored = attributes.RedriveAllowPolicy;
  if (!stored) return true;
  const policy = parseJsonObject(stored);
  switch (policy?.redrivePermission) {
    case 'denyAll':
      return false;
    case 'byQueue':
      return Array.isArray(policy.sourceQueueArns) && policy.sourceQueueArns.includes(sourceArn);
    default:
      return true;
  }
}

/**
 * Checks a RedrivePolicy's form as SQS does before it looks at the target, and returns it normalised: a JSON
 * map with exactly `maxReceiveCount` (1 to 1,000, a number or a numeric string) and `deadLetterTargetArn` (an
 * SQS ARN). An empty value removes the policy and stays empty. Errors quote the value as sent.
 */
export function normaliseRedrivePolicy(value: string): string {
  if (value === '') return '';
  const policy = parseJsonObject(value);
  if (!policy) {
    throw new InvalidParameterValue(
      'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.',
    );
  }
  const invalid = (reason: string) => invalidParameter('RedrivePolicy', value, reason);
  for (const name of ['maxReceiveCount', 'deadLetterTargetArn']) {
    if (!Object.hasOwn(policy, name)) {
      throw invalid(`Redrive policy does not contain mandatory attribute: ${name}.`);
    }
  }
  const maxReceiveCount = receiveCountOf(policy.maxReceiveCount);
  if (maxReceiveCount === undefined) {
    throw invalid(
      `Invalid value for maxReceiveCount: ${shown(policy.maxReceiveCount)}, valid values are from 1 to ${MAX_RECEIVE_COUNT} both inclusive.`,
    );
  }
  const arn =
    typeof policy.deadLetterTargetArn === 'string' ? parseArn(policy.deadLetterTargetArn) : undefined;
  if (!arn) throw invalid('Invalid value for deadLetterTargetArn.');
  if (arn.service !== 'sqs') throw invalid('Only SQS queues are valid resources for deadLetterTargetArn.');
  if (Object.keys(policy).length > 2) {
    throw invalid('Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].');
  }
  return JSON.stringify({ deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount });
}

/** What checkDeadLetterTarget needs to know about the source queue and its service. */
export interface DeadLetterTargetCheck {
  /** The RedrivePolicy as the client sent it: SQS quotes it in its errors. */
  readonly requested: string;
  /** The same policy, normalised by normaliseRedrivePolicy. */
  readonly normalised: string;
  readonly sourceQueueName: string;
  readonly sourceIsFifo: boolean;
  readonly accountId: string;
  readonly region: string;
  /** A queue's stored attributes, or undefined when no such queue exists. */
  readonly findQueue: (queueName: string) => Promise<StringMap | undefined>;
}

/**
 * Checks that a RedrivePolicy's target may take the source queue's messages: a queue of this account and
 * region, of the source's type, that exists and whose RedriveAllowPolicy lets the source name it.
 */
export async function checkDeadLetterTarget(check: DeadLetterTargetCheck): Promise<void> {
  if (check.normalised === '') return;
  const invalid = (reason: string) => invalidParameter('RedrivePolicy', check.requested, reason);
  const policy = parseJsonObject(check.normalised);
  const arn = parseArn(String(policy?.deadLetterTargetArn));
  if (!arn) throw invalid('Invalid value for deadLetterTargetArn.');
  if (arn.region !== check.region) throw invalid('Dead-letter target must be in same region as the source.');
  if (arn.accountId !== check.accountId)
    throw invalid('Dead-letter target owner should be same as the source.');
  // The name tells the type: only a FIFO queue's name ends in `.fifo`.
  if (arn.resource.endsWith('.fifo') !== check.sourceIsFifo) {
    throw invalid('Dead-letter queue must be same type of queue as the source..');
  }
  const target = arn.partition === 'aws' ? await check.findQueue(arn.resource) : undefined;
  if (!target) throw invalid('Dead letter target does not exist.');
  const sourceArn = queueArnOf(check.sourceQueueName, check.accountId, check.region);
  if (!redriveAllowPolicyAllows(target, sourceArn)) {
    const targetArn = queueArnOf(arn.resource, check.accountId, check.region);
    throw invalid(
      `The RedriveAllowPolicy of ${targetArn} does not allow ${sourceArn} to use it as a dead-letter queue.`,
    );
  }
}

/**
 * Checks a RedriveAllowPolicy as SQS does and returns it normalised: `redrivePermission` is allowAll, denyAll or
 * byQueue, and `sourceQueueArns` (1 to 10 strings) comes with byQueue and only with it. An empty value removes
 * the policy and stays empty.
 */
export function normaliseRedriveAllowPolicy(value: string): string {
  if (value === '') return '';
  const unsupportedFormat = new InvalidParameterValue(
    "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.",
  );
  const policy = parseJsonObject(value);
  const permission = policy?.redrivePermission;
  if (!policy || !isRedrivePermission(permission)) throw unsupportedFormat;
  if (Object.keys(policy).some((key) => key !== 'redrivePermission' && key !== 'sourceQueueArns')) {
    throw unsupportedFormat;
  }
  const arns = policy.sourceQueueArns;
  if (arns !== undefined && !(Array.isArray(arns) && arns.every((arn) => typeof arn === 'string'))) {
    throw unsupportedFormat;
  }
  const cannotCreate = (reason: string) =>
    invalidParameter(
      'RedriveAllowPolicy',
      value,
      `Amazon SQS can't create the redrive allow policy. ${reason}`,
    );
  if (arns !== undefined && permission !== 'byQueue') {
    throw cannotCreate(
      'To specify one or more source queue ARNs, you must set redrivePermission to byQueue.',
    );
  }
  if (permission !== 'byQueue') return JSON.stringify({ redrivePermission: permission });
  if (arns === undefined || arns.length === 0) {
    throw cannotCreate(
      'When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.',
    );
  }
  if (arns.length > MAX_REDRIVE_SOURCE_QUEUE_ARNS) {
    throw cannotCreate(
      `The maximum number of source queue ARNs you can specify is ${MAX_REDRIVE_SOURCE_QUEUE_ARNS}.`,
    );
  }
  return JSON.stringify({ redrivePermission: permission, sourceQueueArns: arns });
}

function isRedrivePermission(value: unknown): value is RedrivePermission {
  return typeof value === 'string' && (REDRIVE_PERMISSIONS as readonly string[]).includes(value);
}

/** A whole number from 1 to 1,000, sent as a JSON number or as a string of digits. */
function receiveCountOf(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_RECEIVE_COUNT ? n : undefined;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** `arn:partition:service:region:account-id:resource`, the form SQS queue ARNs take; undefined otherwise. */
function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = parts;
  return { partition, service, region, accountId, resource };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

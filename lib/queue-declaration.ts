import type { Duration } from 'aws-cdk-lib';
import { type DeduplicationScope, type FifoThroughputLimit, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { parseQueueDeclaration } from '../lambda/queues-config/parse.js';
import { planQueues } from '../lambda/queues-config/plan.js';
import {
  type QueueDeclaration,
  QueuesConfigError,
  type QueuesConfigIssue,
} from '../lambda/queues-config/schema.js';

/** A queue of the service that another queue can name: as its dead-letter queue, or as an allowed source. */
export interface IServiceQueue {
  readonly queueName: string;
  readonly queueArn: string;
  readonly fifo: boolean;
}

/** Which source queues may use a queue as their dead-letter queue, as aws-sqs's `RedriveAllowPolicy`. */
export interface RedriveAllowPolicy {
  /** @default - `RedrivePermission.BY_QUEUE` with `sourceQueues`, else `RedrivePermission.ALLOW_ALL` */
  readonly redrivePermission?: RedrivePermission;
  /**
   * Up to 10 queues allowed to use this queue as their dead-letter queue (`BY_QUEUE` only). They are usually
   * declared after it: name them with `Queue.fromQueueName`.
   * @default - none; required with `RedrivePermission.BY_QUEUE`
   */
  readonly sourceQueues?: IServiceQueue[];
}

/** The props the declaration is built from; `QueueProps` adds the service and the construct-only props. */
export interface QueueDeclarationProps {
  readonly queueName?: string;
  readonly fifo?: boolean;
  readonly contentBasedDeduplication?: boolean;
  readonly deduplicationScope?: DeduplicationScope;
  readonly fifoThroughputLimit?: FifoThroughputLimit;
  readonly visibilityTimeout?: Duration;
  readonly retentionPeriod?: Duration;
  readonly deliveryDelay?: Duration;
  readonly receiveMessageWaitTime?: Duration;
  readonly maxMessageSizeBytes?: number;
  readonly redriveAllowPolicy?: RedriveAllowPolicy;
  readonly tags?: Record<string, string>;
}

/** The prop each SQS attribute comes from, to name it in errors as the user wrote it. */
const PROP_OF_ATTRIBUTE: Record<string, string> = {
  FifoQueue: 'fifo',
  ContentBasedDeduplication: 'contentBasedDeduplication',
  DeduplicationScope: 'deduplicationScope',
  FifoThroughputLimit: 'fifoThroughputLimit',
  VisibilityTimeout: 'visibilityTimeout',
  MessageRetentionPeriod: 'retentionPeriod',
  DelaySeconds: 'deliveryDelay',
  ReceiveMessageWaitTimeSeconds: 'receiveMessageWaitTime',
  MaximumMessageSize: 'maxMessageSizeBytes',
  RedriveAllowPolicy: 'redriveAllowPolicy',
};

/** Whether the props make a FIFO queue when `fifo` is not given: as aws-sqs decides it. */
export function impliesFifo(props: QueueDeclarationProps): boolean {
  if (props.fifo !== undefined) return props.fifo;
  return Boolean(
    props.queueName?.endsWith('.fifo') ||
      props.contentBasedDeduplication ||
      props.deduplicationScope ||
      props.fifoThroughputLimit,
  );
}

/**
 * The queue as the queues config file would declare it: the props that are given, as SQS attributes. A prop
 * removed later goes back to SQS's default, as for AWS::SQS::Queue: the custom resource compares the new
 * declaration with the old one.
 */
export function buildDeclaration(
  name: string,
  props: QueueDeclarationProps,
  deadLetterQueue?: { readonly queue: IServiceQueue; readonly maxReceiveCount: number },
): Record<string, unknown> {
  const given: Record<string, string | undefined> = {
    // Given explicitly, the parser reports a fifo that contradicts the name; implied, the name decides.
    FifoQueue: props.fifo === undefined ? undefined : String(props.fifo),
    ContentBasedDeduplication:
      props.contentBasedDeduplication === undefined ? undefined : String(props.contentBasedDeduplication),
    DeduplicationScope: props.deduplicationScope,
    FifoThroughputLimit: props.fifoThroughputLimit,
    VisibilityTimeout: seconds(props.visibilityTimeout),
    MessageRetentionPeriod: seconds(props.retentionPeriod),
    DelaySeconds: seconds(props.deliveryDelay),
    ReceiveMessageWaitTimeSeconds: seconds(props.receiveMessageWaitTime),
    MaximumMessageSize:
      props.maxMessageSizeBytes === undefined ? undefined : String(props.maxMessageSizeBytes),
    RedriveAllowPolicy:
      props.redriveAllowPolicy && JSON.stringify(redriveAllowPolicy(props.redriveAllowPolicy)),
  };
  const attributes = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return {
    name,
    attributes,
    ...(props.tags ? { tags: { ...props.tags } } : {}),
    ...(deadLetterQueue
      ? {
          deadLetterQueue: {
            name: deadLetterQueue.queue.queueName,
            maxReceiveCount: deadLetterQueue.maxReceiveCount,
          },
        }
      : {}),
  };
}

/**
 * Checks a declaration with the queues config's own parser, and its dead-letter queue with the config's
 * planner (same type, allowed by its RedriveAllowPolicy).
 * @throws Error naming each wrong prop, what was given and what is allowed
 */
export function validateDeclaration(
  json: Record<string, unknown>,
  deadLetterQueue?: { readonly queue: IServiceQueue; readonly declaration?: QueueDeclaration },
): QueueDeclaration {
  try {
    const declaration = parseQueueDeclaration(json);
    if (deadLetterQueue) {
      const target = deadLetterQueue.declaration ?? {
        name: deadLetterQueue.queue.queueName,
        fifo: deadLetterQueue.queue.fifo,
        attributes: {},
      };
      planQueues({ queues: [declaration, target] });
    }
    return declaration;
  } catch (error) {
    if (!(error instanceof QueuesConfigError)) throw error;
    throw new Error(error.issues.map(describeForProps).join('\n'), { cause: error });
  }
}

/** An issue of the queues config, told in the construct's prop names. */
function describeForProps(issue: QueuesConfigIssue): string {
  const field = propField(issue.field);
  let problem = issue.problem;
  for (const [attribute, prop] of Object.entries(PROP_OF_ATTRIBUTE)) {
    problem = problem
      .replaceAll(`attributes.${attribute}`, prop)
      .replaceAll(`drop ${attribute}`, `drop ${prop}`);
  }
  const located = `${field} ${problem}`;
  return issue.queue === undefined ? located : `${issue.queue}: ${located}`;
}

function propField(field: string): string {
  if (field === 'name') return 'queueName';
  if (field === 'deadLetterQueue.name') return 'deadLetterQueue.queue';
  if (field.startsWith('attributes.')) {
    const attribute = field.slice('attributes.'.length);
    return PROP_OF_ATTRIBUTE[attribute] ?? field;
  }
  return field;
}

function seconds(duration: Duration | undefined): string | undefined {
  // Not integral: 1.5 s is reported by the parser as "must be an integer ..., got "1.5"".
  return duration === undefined ? undefined : String(duration.toSeconds({ integral: false }));
}

function redriveAllowPolicy(policy: RedriveAllowPolicy): Record<string, unknown> {
  const sourceQueues = policy.sourceQueues;
  const permission =
    policy.redrivePermission ?? (sourceQueues ? RedrivePermission.BY_QUEUE : RedrivePermission.ALLOW_ALL);
  return {
    redrivePermission: permission,
    ...(sourceQueues ? { sourceQueueArns: sourceQueues.map((queue) => queue.queueArn) } : {}),
  };
}

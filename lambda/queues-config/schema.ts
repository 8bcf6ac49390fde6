/**
 * The queues config: queues declared as data, created or updated to match by `npm start -- --config`
 * (and, later, by the CDK `Queue` construct's custom resource). This folder is pure: parse and plan
 * take values and return values; only `apply.ts` acts, and only through the `SqsEngine` it is given.
 */
import type { StringMap } from '../engine/types.js';

/** A whole queues config file: `{ "queues": [ ... ] }`. */
export interface QueuesConfig {
  readonly queues: readonly QueueDeclaration[];
}

/** One queue as the file declares it, validated and normalised. */
export interface QueueDeclaration {
  /** The queue name; a name ending in `.fifo` is a FIFO queue's. */
  readonly name: string;
  /** Whether it is a FIFO queue: its name ends in `.fifo`. */
  readonly fifo: boolean;
  /**
   * SQS attributes as CreateQueue and SetQueueAttributes take them (strings, normalised: `60`, `true`,
   * a policy as a JSON string), `FifoQueue: 'true'` included for a FIFO queue. RedrivePolicy is not
   * here: it comes from `deadLetterQueue`.
   */
  readonly attributes: StringMap;
  /** @default - the queue's tags are left as they are */
  readonly tags?: StringMap;
  /** @default - the queue's redrive policy is left as it is */
  readonly deadLetterQueue?: DeadLetterQueueDeclaration;
}

/** Where a queue's messages go after too many receives: SQS's RedrivePolicy, by queue name. */
export interface DeadLetterQueueDeclaration {
  /** A queue declared in the same file, of the same type (FIFO for a FIFO queue). */
  readonly name: string;
  /** Receives after which a message moves to the dead-letter queue: 1 to 1,000. */
  readonly maxReceiveCount: number;
}

/** One thing wrong with a queues config, located by queue and field. */
export interface QueuesConfigIssue {
  /** `queue 'orders'`, or `queues[2]` for an entry without a valid name. @default - the file's top level */
  readonly queue?: string;
  /** The field inside the queue's declaration: `attributes.VisibilityTimeout`, `deadLetterQueue.name`. */
  readonly field: string;
  /** What is wrong and what is allowed, to follow the field: `must be an integer from 0 to 43200, got 50000`. */
  readonly problem: string;
}

/** A queues config that cannot be applied; its message has one line per issue. */
export class QueuesConfigError extends Error {
  override readonly name = 'QueuesConfigError';

  constructor(readonly issues: readonly QueuesConfigIssue[]) {
    super(issues.map(describeIssue).join('\n'));
  }
}

/** One issue as a line: `queue 'orders': attributes.VisibilityTimeout must be ...`. */
export function describeIssue(issue: QueuesConfigIssue): string {
  const located = `${issue.field} ${issue.problem}`;
  return issue.queue === undefined ? located : `${issue.queue}: ${located}`;
}

/** The ARN of a queue in the engine's account and region, as a RedrivePolicy names its target. */
export function queueArn(
  engine: { readonly region: string; readonly accountId: string },
  name: string,
): string {
  return `arn:aws:sqs:${engine.region}:${engine.accountId}:${name}`;
}

import type { ConsumerSettings } from '../consumers/settings.js';

/**
 * A consumer of the deployed service: one `QueueEventSource`, registered in the table by its custom resource
 * (docs/design.md, "Consumers on AWS"). The dispatcher invokes `functionArn` with batches of `settings.queueName`.
 */
export interface ConsumerRegistration {
  /** The custom resource's physical id: stable for the consumer's life, new when it moves to another queue. */
  readonly consumerId: string;
  /** The function the dispatcher invokes (unqualified, or a version or alias ARN). */
  readonly functionArn: string;
  /** Validated against the queue's type; `timeoutMs` is the function's timeout when the stack knew it. */
  readonly settings: ConsumerSettings;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

/** What a kick asks of the dispatcher: run the consumers of one queue, not before `notBeforeMs`. */
export interface DispatchKick {
  readonly queueName: string;
  /**
   * A message becomes due at this moment (a delay, or a failed batch's visibility timeout): the dispatcher waits
   * for it when it falls within its budget. @default - now
   */
  readonly notBeforeMs?: number;
}

/** Whether an invocation payload is a kick, and not, say, a custom resource event sent to the wrong function. */
export function isDispatchKick(event: unknown): event is DispatchKick {
  if (typeof event !== 'object' || event === null) return false;
  const { queueName, notBeforeMs } = event as Record<string, unknown>;
  return (
    typeof queueName === 'string' &&
    queueName !== '' &&
    (notBeforeMs === undefined || (typeof notBeforeMs === 'number' && Number.isFinite(notBeforeMs)))
  );
}

import type { Caller } from '../auth/authenticator.js';
import { type ConsolePermission, consoleQueues } from '../auth/policy.js';
import type { Clock } from '../engine/clock.js';
import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import type { HttpRequest } from '../protocol/http.js';
import type { TopicEngine } from '../topics/topic-engine.js';
import type { QueueHistory } from './history.js';
import type { MessageBrowser } from './message-browser.js';
import type { QueueOverview } from './queue-overview.js';

/** What the console's handlers share, per service. */
export interface ConsoleServices {
  readonly engine: SqsEngine;
  readonly browser: MessageBrowser;
  readonly overview: QueueOverview;
  readonly history: QueueHistory;
  readonly clock: Clock;
  /** The SNS topics' engine, for the read-only Topics view. */
  readonly topics: TopicEngine;
}

/** One request, as the handlers see it. */
export interface ConsoleCall {
  readonly services: ConsoleServices;
  readonly request: HttpRequest;
  readonly query: Map<string, string>;
  /** The verified signer; undefined when auth is off. */
  readonly caller?: Caller;
  /** Whether auth is on (a caller is then always set). */
  readonly authOn: boolean;
  readonly signal?: AbortSignal;
}

/** A handler's answer: status and JSON. */
export interface ConsoleAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function ok(body: unknown, status = 200): ConsoleAnswer {
  return { status, body };
}

/**
 * The queues the caller may use with `permission`: `'all'`, or a predicate. With auth off, all. A caller whose
 * policy grants the permission on no queue is refused.
 */
export function permittedQueues(
  call: ConsoleCall,
  permission: ConsolePermission,
): 'all' | ((queueName: string) => boolean) {
  if (call.caller === undefined) return 'all';
  const queues = consoleQueues(call.caller.policy, permission);
  if (queues === undefined) throw accessDenied(call, permission, '*');
  return queues;
}

/** Refuses unless the caller may use `permission` on the queue named. */
export function requirePermission(call: ConsoleCall, permission: ConsolePermission, queueName: string): void {
  const queues = permittedQueues(call, permission);
  if (queues !== 'all' && !queues(queueName)) throw accessDenied(call, permission, queueName);
}

/** IAM's wording, as the SQS API's AccessDenied (docs/design.md, Authentication). */
function accessDenied(call: ConsoleCall, permission: ConsolePermission, queueName: string): SqsError {
  const { accountId, region } = call.services.engine;
  const user = `arn:aws:iam::${accountId}:user/${call.caller?.name ?? 'anonymous'}`;
  const action = permission.toLowerCase();
  const resource = `arn:aws:sqs:${region}:${accountId}:${queueName.length > 80 ? '*' : queueName}`;
  return new SqsError(
    'AccessDenied',
    `User: ${user} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
}

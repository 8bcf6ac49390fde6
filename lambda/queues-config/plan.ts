import { isPlainObject, parseJson } from './attribute-rules.js';
import {
  type QueueDeclaration,
  type QueuesConfig,
  QueuesConfigError,
  type QueuesConfigIssue,
} from './schema.js';

/** The queues of a config in the order they can be applied. */
export interface QueuePlan {
  /** Every declared queue, each after the dead-letter queue it names; otherwise in file order. */
  readonly queues: readonly QueueDeclaration[];
}

/**
 * Orders a config's queues so that a dead-letter queue exists before any queue that names it. A
 * dead-letter queue must be declared in the same file (a bare `{ "name": "..." }` adopts an existing queue
 * as it is), so the whole file is checked before anything is applied.
 * @throws QueuesConfigError for a dead-letter queue that is not declared, is of the other type (SQS wants
 *   FIFO with FIFO), whose declared RedriveAllowPolicy refuses the queue, or is part of a cycle
 */
export function planQueues(config: QueuesConfig): QueuePlan {
  const byName = new Map(config.queues.map((queue) => [queue.name, queue]));
  const issues: QueuesConfigIssue[] = [];
  for (const queue of config.queues) {
    const problem = deadLetterQueueProblem(queue, byName);
    if (problem) issues.push({ queue: `queue '${queue.name}'`, field: 'deadLetterQueue.name', problem });
  }
  if (issues.length > 0) throw new QueuesConfigError(issues);

  const ordered: QueueDeclaration[] = [];
  const placed = new Set<string>();
  for (const queue of config.queues) {
    // Each queue names at most one dead-letter queue, so its dependencies form a chain: walk it to the end.
    const chain: QueueDeclaration[] = [];
    for (let next: QueueDeclaration | undefined = queue; next && !placed.has(next.name); ) {
      if (chain.includes(next)) {
        const cycle = [...chain.slice(chain.indexOf(next)), next].map((each) => each.name).join(' -> ');
        issues.push({
          queue: `queue '${next.name}'`,
          field: 'deadLetterQueue.name',
          problem: `makes a cycle of dead-letter queues: ${cycle}`,
        });
        break;
      }
      chain.push(next);
      next = next.deadLetterQueue && byName.get(next.deadLetterQueue.name);
    }
    for (const each of chain.reverse()) {
      placed.add(each.name);
      ordered.push(each);
    }
  }
  if (issues.length > 0) throw new QueuesConfigError(issues);
  return { queues: ordered };
}

function deadLetterQueueProblem(
  queue: QueueDeclaration,
  byName: ReadonlyMap<string, QueueDeclaration>,
): string | undefined {
  if (!queue.deadLetterQueue) return undefined;
  const { name } = queue.deadLetterQueue;
  const target = byName.get(name);
  if (!target) {
    return `names '${name}', which this file does not declare; declare it too (a bare { "name": "${name}" } leaves an existing queue as it is)`;
  }
  if (target.fifo !== queue.fifo) {
    return queue.fifo
      ? `names the Standard queue '${name}'; a FIFO queue's dead-letter queue must be a FIFO queue`
      : `names the FIFO queue '${name}'; a Standard queue's dead-letter queue must be a Standard queue`;
  }
  return redriveAllowPolicyProblem(queue.name, target);
}

/**
 * SQS refuses a RedrivePolicy whose target's RedriveAllowPolicy does not let the source in. The file cannot
 * know the account and region, so `byQueue` is checked by the name at the end of each ARN.
 */
function redriveAllowPolicyProblem(source: string, target: QueueDeclaration): string | undefined {
  const text = target.attributes.RedriveAllowPolicy;
  const policy = text === undefined ? undefined : parseJson(text);
  if (!isPlainObject(policy)) return undefined;
  if (policy.redrivePermission === 'denyAll') {
    return `names '${target.name}', whose RedriveAllowPolicy lets no queue use it (denyAll)`;
  }
  const arns = Array.isArray(policy.sourceQueueArns) ? policy.sourceQueueArns : [];
  if (policy.redrivePermission === 'byQueue' && !arns.some((arn) => String(arn).endsWith(`:${source}`))) {
    return `names '${target.name}', whose RedriveAllowPolicy (byQueue) does not list this queue's ARN in sourceQueueArns`;
  }
  return undefined;
}

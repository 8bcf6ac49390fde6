import { randomUUID } from 'node:crypto';
import { isFifoRecord, type MoveTaskRecord, type QueueRecord, type Store } from '../storage/store.js';
import type { Clock } from './clock.js';
import { findDeadLetterSources } from './dead-letter-sources.js';
import { InvalidParameterValue, invalidParameter, SqsError } from './errors.js';
import {
  MAX_LIST_MOVE_TASKS_RESULTS,
  MAX_MOVE_TASK_MESSAGES_PER_SECOND,
  NUMERIC_QUEUE_ATTRIBUTES,
  secondsToMs,
} from './limits.js';
import { queueNameOfArn } from './redrive-policy.js';
import type {
  CancelMessageMoveTaskInput,
  ListMessageMoveTasksInput,
  MessageMoveTask,
  StartMessageMoveTaskInput,
} from './types.js';

/**
 * Message move tasks (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask): the rules a request
 * must pass and the task it stores. Moving the messages is move-task-runner.ts's work, in the background.
 *
 * A task moves at most as many messages as its dead-letter queue held when it started (receivable or in
 * flight: `ApproximateNumberOfMessagesToMove`), oldest first as the store finds them, and ends COMPLETED once it
 * has, or once the queue has no receivable message left that it can route. Messages that arrive later are left
 * for another task, as SQS counts the messages to move at the start.
 */

/** Recorded against SQS (LocalStack's move task snapshots). */
const SOURCE_NOT_FOUND = "The resource that you specified for the SourceArn parameter doesn't exist.";
const DESTINATION_NOT_FOUND =
  "The resource that you specified for the DestinationArn parameter doesn't exist.";
const NOT_A_DEAD_LETTER_QUEUE = 'Source queue must be configured as a Dead Letter Queue.';
const TASK_ALREADY_RUNNING =
  'There is already a task running. Only one active task is allowed for a source queue arn at a given time.';
const INVALID_TASK_HANDLE = 'Value for parameter TaskHandle is invalid.';
const TASK_NOT_FOUND = 'Task does not exist.';

/** The FailureReason SQS gives a task whose destination queue was deleted while it ran (recorded). */
export const DESTINATION_GONE = 'AWS.SimpleQueueService.NonExistentQueue';

export interface MoveTasksOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly accountId: string;
  readonly region: string;
  /** Called after a task starts or is cancelled, so a runner in this process acts at once. @default - none */
  readonly onChange?: () => void;
}

/** The three move task actions. */
export class MoveTasks {
  constructor(private readonly options: MoveTasksOptions) {}

  async start(input: StartMessageMoveTaskInput): Promise<{ taskHandle: string }> {
    const rate = input.maxNumberOfMessagesPerSecond;
    if (
      rate !== undefined &&
      (!Number.isInteger(rate) || rate < 1 || rate > MAX_MOVE_TASK_MESSAGES_PER_SECOND)
    ) {
      // SQS documents the range; no recorded response gives its wording.
      throw invalidParameter(
        'MaxNumberOfMessagesPerSecond',
        rate,
        `Must be between 1 and ${MAX_MOVE_TASK_MESSAGES_PER_SECOND}.`,
      );
    }
    const source = await this.findQueue(input.sourceArn);
    if (!source) throw new SqsError('ResourceNotFoundException', SOURCE_NOT_FOUND);
    // SQS: a queue is a dead-letter queue while another queue's RedrivePolicy names it.
    const sources = await findDeadLetterSources(this.options.store, source.name, { limit: 1 });
    if (sources.names.length === 0) throw new InvalidParameterValue(NOT_A_DEAD_LETTER_QUEUE);
    if (input.destinationArn !== undefined) {
      const destination = await this.findQueue(input.destinationArn);
      if (!destination) throw new SqsError('ResourceNotFoundException', DESTINATION_NOT_FOUND);
      if (isFifoRecord(destination) !== isFifoRecord(source)) {
        // SQS requires the same type (developer guide); no recorded response gives its wording.
        throw new InvalidParameterValue(
          'The destination queue must be of the same type as the source queue.',
        );
      }
    }
    const nowMs = this.options.clock.nowMs();
    const counts = await this.options.store.countMessages(source, nowMs, retentionMs(source));
    const task: MoveTaskRecord = {
      sourceQueueId: source.id,
      taskId: randomUUID(),
      startedMs: nowMs,
      sourceArn: input.sourceArn,
      ...(input.destinationArn !== undefined ? { destinationArn: input.destinationArn } : {}),
      ...(rate !== undefined ? { maxNumberOfMessagesPerSecond: rate } : {}),
      status: 'RUNNING',
      toMove: counts.visible + counts.inflight,
      moved: 0,
    };
    if (!(await this.options.store.createMoveTask(task)))
      throw new InvalidParameterValue(TASK_ALREADY_RUNNING);
    this.options.onChange?.();
    return { taskHandle: encodeTaskHandle(task.taskId, task.sourceArn) };
  }

  async list(input: ListMessageMoveTasksInput): Promise<{ results: readonly MessageMoveTask[] }> {
    const { maxResults } = input;
    if (
      maxResults !== undefined &&
      (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LIST_MOVE_TASKS_RESULTS)
    ) {
      throw invalidParameter(
        'MaxResults',
        maxResults,
        `Must be between 1 and ${MAX_LIST_MOVE_TASKS_RESULTS}.`,
      );
    }
    const source = await this.findQueue(input.sourceArn);
    if (!source) throw new SqsError('ResourceNotFoundException', SOURCE_NOT_FOUND);
    const tasks = await this.options.store.listMoveTasks(source.id, maxResults ?? 1);
    return { results: tasks.map(toMessageMoveTask) };
  }

  async cancel(input: CancelMessageMoveTaskInput): Promise<{ approximateNumberOfMessagesMoved: number }> {
    const handle = decodeTaskHandle(input.taskHandle);
    if (!handle) throw new InvalidParameterValue(INVALID_TASK_HANDLE);
    const source = await this.findQueue(handle.sourceArn);
    if (!source) throw new SqsError('ResourceNotFoundException', SOURCE_NOT_FOUND);
    const { store, clock } = this.options;
    // Only the running task can be cancelled; SQS's answer for a finished one is not on record, so it gets the
    // answer SQS gives a task id it does not know.
    const task = await store.cancelMoveTask(source.id, handle.taskId);
    if (!task) throw new SqsError('ResourceNotFoundException', TASK_NOT_FOUND);
    const nowMs = clock.nowMs();
    if (!isLeaseHeld(task, nowMs)) {
      // No runner holds it, so none would finish the cancel: finish it here. A runner that takes it meanwhile
      // makes this fail, and finishes it itself.
      await store.endMoveTask(task, { status: 'CANCELLED', expected: 'CANCELLING', addMoved: 0, nowMs });
    }
    this.options.onChange?.();
    return { approximateNumberOfMessagesMoved: task.moved };
  }

  /** The queue an ARN names, read fresh; undefined when it is not one of this service's queues. */
  private async findQueue(arn: string): Promise<QueueRecord | undefined> {
    const name = queueNameOfArn(arn, this.options.accountId, this.options.region);
    return name === undefined ? undefined : this.options.store.getQueue(name);
  }
}

/** Whether a runner holds the task's lease at `nowMs`. */
export function isLeaseHeld(task: MoveTaskRecord, nowMs: number): boolean {
  return task.leaseOwner !== undefined && task.leaseUntilMs !== undefined && task.leaseUntilMs > nowMs;
}

/** The queue's MessageRetentionPeriod in milliseconds. */
export function retentionMs(queue: QueueRecord): number {
  const seconds = Number(queue.attributes.MessageRetentionPeriod);
  return secondsToMs(
    Number.isFinite(seconds) ? seconds : NUMERIC_QUEUE_ATTRIBUTES.MessageRetentionPeriod.default,
  );
}

function toMessageMoveTask(task: MoveTaskRecord): MessageMoveTask {
  return {
    ...(task.status === 'RUNNING' ? { taskHandle: encodeTaskHandle(task.taskId, task.sourceArn) } : {}),
    status: task.status,
    sourceArn: task.sourceArn,
    ...(task.destinationArn !== undefined ? { destinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond !== undefined
      ? { maxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
      : {}),
    approximateNumberOfMessagesMoved: task.moved,
    approximateNumberOfMessagesToMove: task.toMove,
    ...(task.status === 'FAILED' && task.failureReason !== undefined
      ? { failureReason: task.failureReason }
      : {}),
    startedTimestamp: task.startedMs,
  };
}

const TASK_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * A TaskHandle: base64 of `{"taskId":…,"sourceArn":…}`, the form SQS's handles take, so a handle names its
 * dead-letter queue and CancelMessageMoveTask needs nothing else. It grants nothing: cancelling a task only
 * needs its id and queue, as in SQS.
 */
export function encodeTaskHandle(taskId: string, sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId, sourceArn }), 'utf8').toString('base64');
}

/** The task id and source queue ARN in a handle; undefined for anything this service did not issue. */
export function decodeTaskHandle(handle: string): { taskId: string; sourceArn: string } | undefined {
  if (typeof handle !== 'string' || handle.length > 2_048 || !/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as Record<string, unknown>;
    const { taskId, sourceArn } = parsed;
    // Task ids are UUIDs this service made; anything else would only reach storage as a key.
    if (typeof taskId === 'string' && TASK_ID.test(taskId) && typeof sourceArn === 'string')
      return { taskId, sourceArn };
  } catch {
    // Falls through: not a handle this service (or SQS) issued.
  }
  return undefined;
}

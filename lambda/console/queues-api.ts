import { createHash } from 'node:crypto';
import { SqsError } from '../engine/errors.js';
import { decodeTaskHandle, encodeTaskHandle } from '../engine/move-tasks.js';
import type { MessageMoveTask } from '../engine/types.js';
import { queueUrlsFor } from '../protocol/queue-url.js';
import type { MoveTaskRecord } from '../storage/store.js';
import {
  type ConsoleAnswer,
  type ConsoleCall,
  ok,
  permittedQueues,
  requirePermission,
} from './console-context.js';
import {
  ConsoleError,
  enumParam,
  intParam,
  invalidValue,
  numberField,
  readJsonObject,
  stringField,
  stringMapField,
} from './console-http.js';
import { backlogOf, type QueueSummary, queueType } from './queue-overview.js';

/** Longest `filter` text: longer than any queue name is pointless. */
const MAX_FILTER_LENGTH = 80;

/** GET /console/api/queues: every queue the caller may read, filtered, sorted, paged. */
export async function listQueues(call: ConsoleCall): Promise<ConsoleAnswer> {
  const readable = permittedQueues(call, 'console:Read');
  const filter = call.query.get('filter') ?? '';
  if (filter.length > MAX_FILTER_LENGTH)
    throw invalidValue('filter', `it must be at most ${MAX_FILTER_LENGTH} characters`);
  const sort = enumParam(call.query, 'sort', ['name', 'backlog'] as const, 'name');
  const limit = intParam(call.query, 'limit', { min: 1, max: 1_000, default: 100 });
  const scope = createHash('sha256')
    .update(JSON.stringify([filter, sort]))
    .digest('base64url')
    .slice(0, 12);
  const offset = readOffset(call.query.get('cursor'), scope);
  const { overview } = call.services;
  const all = await overview.allRecords();
  const needle = filter.toLowerCase();
  const matching = all.filter(
    (record) => (readable === 'all' || readable(record.name)) && record.name.toLowerCase().includes(needle),
  );
  let page: QueueSummary[];
  if (sort === 'name') {
    page = await overview.summarize(all, matching.slice(offset, offset + limit));
  } else {
    const summaries = await overview.summarize(all, matching);
    summaries.sort((a, b) => backlogOf(b) - backlogOf(a) || (a.record.name < b.record.name ? -1 : 1));
    page = summaries.slice(offset, offset + limit);
  }
  const next = offset + limit < matching.length ? { nextCursor: writeOffset(offset + limit, scope) } : {};
  return ok({ queues: page.map((summary) => summaryJson(call, summary)), total: matching.length, ...next });
}

/** GET /console/api/queues/{name}: the list entry, measured now, with attributes, tags and move tasks. */
export async function describeQueue(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const { engine, overview, browser } = call.services;
  const record = await browser.queue(queueName);
  const all = await overview.allRecords();
  const [summary] = await overview.summarize(
    all.some((r) => r.id === record.id) ? all : [...all, record],
    [record],
    { fresh: true },
  );
  const [attributes, tags, tasks] = await Promise.all([
    engine.getQueueAttributes({ queueName, attributeNames: ['All'] }),
    engine.listQueueTags({ queueName }),
    engine.listMessageMoveTasks({ sourceArn: overview.arnOf(queueName), maxResults: 10 }),
  ]);
  return ok({
    ...(summary ? summaryJson(call, summary) : {}),
    attributes,
    tags,
    moveTasks: tasks.results.map(moveTaskJson),
  });
}

/** POST /console/api/queues: CreateQueue, with a `deadLetter` shorthand for RedrivePolicy. */
export async function createQueue(call: ConsoleCall): Promise<ConsoleAnswer> {
  const body = readJsonObject(call.request.body);
  const name = stringField(body, 'name');
  if (name === undefined)
    throw new SqsError('MissingParameter', 'The request must contain the parameter name.');
  requirePermission(call, 'console:Write', name);
  const attributes: Record<string, string> = { ...(stringMapField(body, 'attributes') ?? {}) };
  const tags = stringMapField(body, 'tags');
  const deadLetter = body.deadLetter;
  if (deadLetter !== undefined && deadLetter !== null) {
    if (typeof deadLetter !== 'object' || Array.isArray(deadLetter)) {
      throw invalidValue('deadLetter', 'it must be an object { name, maxReceiveCount }');
    }
    const target = deadLetter as Record<string, unknown>;
    const targetName = stringField(target, 'name');
    const maxReceiveCount = numberField(target, 'maxReceiveCount');
    if (targetName === undefined || maxReceiveCount === undefined) {
      throw invalidValue('deadLetter', 'it must name the queue and maxReceiveCount');
    }
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: call.services.overview.arnOf(targetName),
      maxReceiveCount,
    });
  }
  const { engine, overview } = call.services;
  await engine.createQueue({ queueName: name, attributes, ...(tags ? { tags } : {}) });
  overview.forgetRecords();
  call.services.browser.forget(name);
  return ok(
    { name, url: queueUrlsFor(call.request, engine.accountId).toUrl(name), arn: overview.arnOf(name) },
    201,
  );
}

/** DELETE /console/api/queues/{name}, confirmed by the name typed again. */
export async function deleteQueue(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  requireConfirmation(call, queueName, 'delete');
  await call.services.engine.deleteQueue({ queueName });
  call.services.overview.forgetRecords();
  call.services.browser.forget(queueName);
  return ok({ deleted: true });
}

/** POST /console/api/queues/{name}/purge, confirmed by the name typed again. */
export async function purgeQueue(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  requireConfirmation(call, queueName, 'purge');
  await call.services.engine.purgeQueue({ queueName });
  call.services.overview.forgetRecords();
  call.services.browser.forget(queueName);
  return ok({ purged: true });
}

/** GET /console/api/queues/{name}/move-tasks: up to 10, newest first. */
export async function listMoveTasks(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const { engine, overview } = call.services;
  const tasks = await engine.listMessageMoveTasks({ sourceArn: overview.arnOf(queueName), maxResults: 10 });
  return ok({ tasks: tasks.results.map(moveTaskJson) });
}

/** POST /console/api/queues/{name}/move-tasks: StartMessageMoveTask out of this dead-letter queue. */
export async function startMoveTask(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const body = readJsonObject(call.request.body);
  const destination = stringField(body, 'destination');
  const rate = numberField(body, 'maxNumberOfMessagesPerSecond');
  const { engine, overview } = call.services;
  if (destination !== undefined) requirePermission(call, 'console:Write', destination);
  const started = await engine.startMessageMoveTask({
    sourceArn: overview.arnOf(queueName),
    ...(destination !== undefined ? { destinationArn: overview.arnOf(destination) } : {}),
    ...(rate !== undefined ? { maxNumberOfMessagesPerSecond: rate } : {}),
  });
  return ok({ taskHandle: started.taskHandle });
}

/** POST /console/api/queues/{name}/move-tasks/cancel: only a task of this queue. */
export async function cancelMoveTask(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  const body = readJsonObject(call.request.body);
  const taskHandle = stringField(body, 'taskHandle');
  if (taskHandle === undefined) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter taskHandle.');
  }
  if (
    taskHandle.length > 2_048 ||
    decodeTaskHandle(taskHandle)?.sourceArn !== call.services.overview.arnOf(queueName)
  ) {
    throw invalidValue('taskHandle', 'it is not a task handle of this queue');
  }
  const cancelled = await call.services.engine.cancelMessageMoveTask({ taskHandle });
  return ok({ moved: cancelled.approximateNumberOfMessagesMoved });
}

function requireConfirmation(call: ConsoleCall, queueName: string, what: string): void {
  const confirm = stringField(readJsonObject(call.request.body), 'confirm');
  if (confirm !== queueName) {
    throw new ConsoleError(
      'ConfirmationRequired',
      `To ${what} the queue, send its name in the field confirm.`,
    );
  }
}

function summaryJson(call: ConsoleCall, summary: QueueSummary) {
  const { record } = summary;
  const counts = summary.counts;
  return {
    name: record.name,
    type: queueType(record),
    url: queueUrlsFor(call.request, call.services.engine.accountId).toUrl(record.name),
    arn: summary.arn,
    ...(counts
      ? {
          counts: {
            visible: counts.visible,
            inFlight: counts.inflight,
            delayed: counts.delayed,
            measuredMs: counts.measuredMs,
          },
        }
      : {}),
    ...(summary.oldestAgeSeconds !== undefined ? { oldestAgeSeconds: summary.oldestAgeSeconds } : {}),
    ...(summary.deadLetter ? { deadLetter: summary.deadLetter } : {}),
    deadLetterSources: summary.deadLetterSources,
    ...(summary.moveTask ? { moveTask: runningTaskJson(summary.moveTask) } : {}),
    createdMs: record.createdMs,
    modifiedMs: record.modifiedMs,
  };
}

function runningTaskJson(task: MoveTaskRecord) {
  return {
    status: task.status,
    ...(task.status === 'RUNNING' ? { taskHandle: encodeTaskHandle(task.taskId, task.sourceArn) } : {}),
    moved: task.moved,
    toMove: task.toMove,
    ...(task.destinationArn !== undefined ? { destinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond !== undefined
      ? { maxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
      : {}),
    startedMs: task.startedMs,
  };
}

function moveTaskJson(task: MessageMoveTask) {
  return {
    status: task.status,
    ...(task.taskHandle !== undefined ? { taskHandle: task.taskHandle } : {}),
    sourceArn: task.sourceArn,
    ...(task.destinationArn !== undefined ? { destinationArn: task.destinationArn } : {}),
    ...(task.maxNumberOfMessagesPerSecond !== undefined
      ? { maxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond }
      : {}),
    moved: task.approximateNumberOfMessagesMoved,
    toMove: task.approximateNumberOfMessagesToMove,
    startedMs: task.startedTimestamp,
    ...(task.failureReason !== undefined ? { failureReason: task.failureReason } : {}),
  };
}

function readOffset(cursor: string | undefined, scope: string): number {
  if (cursor === undefined) return 0;
  const match = /^(\d{1,7})\.([A-Za-z0-9_-]{12})$/.exec(cursor);
  if (!match || match[2] !== scope) throw invalidValue('cursor', 'it was made for another filter or sort');
  return Number(match[1]);
}

function writeOffset(offset: number, scope: string): string {
  return `${offset}.${scope}`;
}

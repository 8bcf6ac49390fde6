import { MAX_LIST_MOVE_TASKS_RESULTS } from '../../engine/limits.js';
import { MOVE_TASK_STATUSES, type MoveTaskStatus } from '../../engine/types.js';
import type { MoveTaskEnd, MoveTaskEndResult, MoveTaskKey, MoveTaskRecord } from '../store.js';
import type { Db, TransactItem } from './db.js';

/**
 * Message move tasks (docs/design.md, "Message move tasks"). A task is one item in its dead-letter queue's
 * task partition, sorted by start time, so ListMessageMoveTasks is one Query, newest first. While a task is
 * RUNNING or CANCELLING, an "active" item names it in its account's active partition: written with the task in
 * one transaction on condition that there is none, so two concurrent starts cannot both win, removed in the
 * transaction that ends the task, and read by runners to find their work with one Query.
 */

/** The tasks of one dead-letter queue, by queue id: a queue deleted and created again starts with none. */
export function moveTaskKey(task: MoveTaskKey) {
  return { pk: `MT#${task.sourceQueueId}`, sk: `${String(task.startedMs).padStart(13, '0')}#${task.taskId}` };
}

/** The active task of a dead-letter queue; every such item of the account shares one small partition. */
export function activeMoveTaskKey(accountId: string, sourceQueueId: string) {
  return { pk: `MA#${accountId}`, sk: sourceQueueId };
}

const ACTIVE: readonly MoveTaskStatus[] = ['RUNNING', 'CANCELLING'];
const isActive = '#status IN (:running, :cancelling)';
const leaseIsFree = 'attribute_not_exists(leaseUntilMs) OR leaseUntilMs <= :now';
const holdsLease = 'leaseOwner = :owner';
const activeValues = { ':running': 'RUNNING', ':cancelling': 'CANCELLING' };
const statusName = { '#status': 'status' };

export class MoveTaskItems {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
  ) {}

  async create(task: MoveTaskRecord): Promise<boolean> {
    const reasons = await this.db.transactWrite([
      {
        Put: {
          Item: {
            ...activeMoveTaskKey(this.accountId, task.sourceQueueId),
            taskId: task.taskId,
            startedMs: task.startedMs,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          Item: { ...moveTaskKey(task), ...toItem(task) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (!reasons) return true;
    if (reasons[0]?.code === 'ConditionalCheckFailed') return false;
    throw new Error(`move task ${task.taskId} not created: ${reasons.map((r) => r.code).join(', ')}`);
  }

  async list(sourceQueueId: string, limit: number): Promise<MoveTaskRecord[]> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `MT#${sourceQueueId}` },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    });
    return (out.Items ?? []).map(fromItem);
  }

  async listActive(): Promise<MoveTaskRecord[]> {
    const keys: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MA#${this.accountId}` },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) keys.push(moveTaskKey(activeOfItem(item)));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const tasks: MoveTaskRecord[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      tasks.push(...(await this.db.batchGet(keys.slice(i, i + 100), true)).map(fromItem));
    }
    return tasks.filter((task) => ACTIVE.includes(task.status));
  }

  async cancel(sourceQueueId: string, taskId: string): Promise<MoveTaskRecord | undefined> {
    const active = await this.db.get({
      Key: activeMoveTaskKey(this.accountId, sourceQueueId),
      ConsistentRead: true,
    });
    if (!active || active.taskId !== taskId) return undefined;
    const result = await this.db.updateItem({
      Key: moveTaskKey(activeOfItem(active)),
      UpdateExpression: 'SET #status = :cancelling',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: statusName,
      ExpressionAttributeValues: activeValues,
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    if (result.applied) return fromItem(result.attributes);
    // A retry after a lost answer finds the task CANCELLING: that was this cancel.
    const current = result.old ? fromItem(result.old) : undefined;
    return result.maybeApplied && current?.status === 'CANCELLING' ? current : undefined;
  }

  async lease(
    task: MoveTaskKey,
    owner: string,
    nowMs: number,
    untilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    const updated = await this.db.update({
      Key: moveTaskKey(task),
      UpdateExpression: 'SET leaseOwner = :owner, leaseUntilMs = :until',
      ConditionExpression: `${isActive} AND (${leaseIsFree} OR ${holdsLease})`,
      ExpressionAttributeNames: statusName,
      ExpressionAttributeValues: { ...activeValues, ':owner': owner, ':until': untilMs, ':now': nowMs },
      ReturnValues: 'ALL_NEW',
    });
    return updated ? fromItem(updated) : undefined;
  }

  async recordProgress(
    task: MoveTaskKey,
    owner: string,
    addMoved: number,
    leaseUntilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    const renewed = await this.db.update({
      Key: moveTaskKey(task),
      UpdateExpression: 'SET leaseUntilMs = :until ADD moved :moved',
      ConditionExpression: `${isActive} AND ${holdsLease}`,
      ExpressionAttributeNames: statusName,
      ExpressionAttributeValues: {
        ...activeValues,
        ':owner': owner,
        ':until': leaseUntilMs,
        ':moved': addMoved,
      },
      ReturnValues: 'ALL_NEW',
    });
    if (renewed) return fromItem(renewed);
    // The lease is someone else's now, or the task ended: what moved still counts.
    if (addMoved === 0) {
      const item = await this.db.get({ Key: moveTaskKey(task), ConsistentRead: true });
      return item ? fromItem(item) : undefined;
    }
    const counted = await this.db.update({
      Key: moveTaskKey(task),
      UpdateExpression: 'ADD moved :moved',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':moved': addMoved },
      ReturnValues: 'ALL_NEW',
    });
    return counted ? fromItem(counted) : undefined;
  }

  async end(task: MoveTaskKey, end: MoveTaskEnd): Promise<MoveTaskEndResult> {
    const lease = end.owner === undefined ? leaseIsFree : `${holdsLease} OR ${leaseIsFree}`;
    const update: TransactItem = {
      Update: {
        Key: moveTaskKey(task),
        UpdateExpression: `SET #status = :status, endedMs = :now${end.failureReason !== undefined ? ', failureReason = :reason' : ''} REMOVE leaseOwner, leaseUntilMs ADD moved :moved`,
        ConditionExpression: `#status = :expected AND (${lease})`,
        ExpressionAttributeNames: statusName,
        ExpressionAttributeValues: {
          ':status': end.status,
          ':expected': end.expected,
          ':now': end.nowMs,
          ':moved': end.addMoved,
          ...(end.owner !== undefined ? { ':owner': end.owner } : {}),
          ...(end.failureReason !== undefined ? { ':reason': end.failureReason } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    // The active item goes with the task's end; a missing one (never expected) must not keep the task alive.
    const freeQueue: TransactItem = {
      Delete: {
        Key: activeMoveTaskKey(this.accountId, task.sourceQueueId),
        ConditionExpression: 'attribute_not_exists(pk) OR taskId = :taskId',
        ExpressionAttributeValues: { ':taskId': task.taskId },
      },
    };
    const reasons = await this.db.transactWrite([update, freeQueue]);
    if (!reasons) {
      await this.forgetUnlisted(task.sourceQueueId);
      return { ended: true };
    }
    const failed = reasons[0];
    if (failed?.code !== 'ConditionalCheckFailed') {
      throw new Error(`move task ${task.taskId} not ended: ${reasons.map((r) => r.code).join(', ')}`);
    }
    return { ended: false, current: failed.item ? fromItem(failed.item) : undefined };
  }

  /**
   * Deletes a queue's tasks older than the ones ListMessageMoveTasks can still show (the 10 most recent): task
   * items have no TTL, and nothing else would ever remove them. Run when a task ends, so the partition keeps at
   * most 11 items and this costs one small Query (0.5 RCU) plus a delete once there are more than 10.
   */
  private async forgetUnlisted(sourceQueueId: string): Promise<void> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `MT#${sourceQueueId}` },
      ProjectionExpression: 'pk, sk',
      ScanIndexForward: false,
    });
    // Only the newest task can be active (a task starts only when none is), so every older one has ended.
    const unlisted = (out.Items ?? []).slice(MAX_LIST_MOVE_TASKS_RESULTS);
    if (unlisted.length === 0) return;
    await this.db.batchWrite(
      unlisted.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    );
  }
}

function toItem(task: MoveTaskRecord): Record<string, unknown> {
  return {
    sourceQueueId: task.sourceQueueId,
    taskId: task.taskId,
    startedMs: task.startedMs,
    sourceArn: task.sourceArn,
    destinationArn: task.destinationArn,
    rate: task.maxNumberOfMessagesPerSecond,
    status: task.status,
    toMove: task.toMove,
    moved: task.moved,
    failureReason: task.failureReason,
    leaseOwner: task.leaseOwner,
    leaseUntilMs: task.leaseUntilMs,
  };
}

function fromItem(item: Record<string, unknown>): MoveTaskRecord {
  const status = MOVE_TASK_STATUSES.find((s) => s === item.status);
  if (status === undefined) throw new Error(`move task item with unknown status ${String(item.status)}`);
  return {
    sourceQueueId: String(item.sourceQueueId),
    taskId: String(item.taskId),
    startedMs: Number(item.startedMs),
    sourceArn: String(item.sourceArn),
    ...(typeof item.destinationArn === 'string' ? { destinationArn: item.destinationArn } : {}),
    ...(item.rate !== undefined ? { maxNumberOfMessagesPerSecond: Number(item.rate) } : {}),
    status,
    toMove: Number(item.toMove),
    moved: Number(item.moved ?? 0),
    ...(typeof item.failureReason === 'string' ? { failureReason: item.failureReason } : {}),
    ...(typeof item.leaseOwner === 'string' ? { leaseOwner: item.leaseOwner } : {}),
    ...(item.leaseUntilMs !== undefined ? { leaseUntilMs: Number(item.leaseUntilMs) } : {}),
  };
}

/** The task an active item names. */
function activeOfItem(item: Record<string, unknown>): MoveTaskKey {
  return { sourceQueueId: String(item.sk), taskId: String(item.taskId), startedMs: Number(item.startedMs) };
}

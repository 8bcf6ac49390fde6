import type { Clock } from '../../lambda/engine/clock.js';
import type { Sleep } from '../../lambda/engine/move-task-runner.js';
import type {
  MessageCounts,
  MoveTaskEnd,
  MoveTaskEndResult,
  MoveTaskKey,
  MoveTaskRecord,
  QueueRecord,
  QueueRecordPage,
  RedriveRequest,
  RedriveResult,
  Store,
} from '../../lambda/storage/store.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export function arnOf(queueName: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;
}

/** Time that moves only when a test says so; sleeps end in order of their deadlines. */
export class FakeTime {
  nowMs = 1_700_000_000_000;
  private timers: { atMs: number; resolve: () => void }[] = [];

  readonly clock: Clock = { nowMs: () => this.nowMs };

  readonly sleep: Sleep = (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const cancel = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      const timer = {
        atMs: this.nowMs + ms,
        resolve: () => {
          signal.removeEventListener('abort', cancel);
          resolve();
        },
      };
      this.timers.push(timer);
      signal.addEventListener('abort', cancel, { once: true });
    });

  /** Lets every pending promise settle: the fakes never wait on anything but `sleep`. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, waking each sleep at its deadline and letting the code it resumes run. */
  async advance(ms: number): Promise<void> {
    const endMs = this.nowMs + ms;
    for (;;) {
      await this.settle();
      const due = this.timers.filter((t) => t.atMs <= endMs).sort((a, b) => a.atMs - b.atMs)[0];
      if (!due) break;
      this.nowMs = Math.max(this.nowMs, due.atMs);
      this.timers = this.timers.filter((t) => t !== due);
      due.resolve();
    }
    this.nowMs = endMs;
    await this.settle();
  }
}

/** A message waiting in a fake queue: its body, and for a dead-lettered one, the queue it came from. */
export interface FakeMessage {
  readonly body: string;
  readonly deadLetterSourceArn?: string;
}

/**
 * The parts of the Store port move tasks use, in memory, with the conditions the DynamoDB adapter checks.
 * `failNextRedrive` makes the next redrive step throw, as a DynamoDB error would.
 */
export class FakeMoveTaskStore {
  readonly queues = new Map<string, QueueRecord>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly tasks = new Map<string, MoveTaskRecord>();
  private readonly active = new Map<string, string>();
  redriveCalls = 0;
  failNextRedrive = false;
  private nextId = 1;

  /** This fake as the Store it stands in for. */
  asStore(): Store {
    return this as unknown as Store;
  }

  addQueue(name: string, attributes: Record<string, string> = {}): QueueRecord {
    const record: QueueRecord = {
      name,
      id: `queue-${this.nextId++}`,
      attributes: { MessageRetentionPeriod: '345600', ...attributes },
      tags: {},
      createdMs: 0,
      modifiedMs: 0,
      epoch: 0,
      shards: 1,
    };
    this.queues.set(name, record);
    this.messages.set(record.id, []);
    return record;
  }

  /** A source queue and its dead-letter queue, whose RedrivePolicy names it. */
  addDeadLetterPair(prefix: string, fifo = false): { source: QueueRecord; dlq: QueueRecord } {
    const suffix = fifo ? '.fifo' : '';
    const type: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
    const dlq = this.addQueue(`${prefix}-dlq${suffix}`, type);
    const policy = JSON.stringify({ deadLetterTargetArn: arnOf(dlq.name), maxReceiveCount: 1 });
    const source = this.addQueue(`${prefix}${suffix}`, { ...type, RedrivePolicy: policy });
    return { source, dlq };
  }

  deleteQueue(name: string): void {
    this.queues.delete(name);
  }

  /** Puts `count` messages in `dlq`, as dead-lettered from `from`. */
  deadLetter(dlq: QueueRecord, from: QueueRecord, count: number, prefix = 'm'): void {
    const list = this.messages.get(dlq.id) ?? [];
    for (let i = 0; i < count; i++)
      list.push({ body: `${prefix}${i}`, deadLetterSourceArn: arnOf(from.name) });
  }

  bodies(queue: QueueRecord): string[] {
    return (this.messages.get(queue.id) ?? []).map((m) => m.body);
  }

  async getQueue(name: string): Promise<QueueRecord | undefined> {
    return this.queues.get(name);
  }

  async listQueueRecords(options: { limit: number; afterName?: string }): Promise<QueueRecordPage> {
    const names = [...this.queues.keys()]
      .sort()
      .filter((n) => options.afterName === undefined || n > options.afterName);
    const records = names.slice(0, options.limit).map((n) => this.queues.get(n) as QueueRecord);
    return names.length > options.limit
      ? { records, lastName: records[records.length - 1]?.name }
      : { records };
  }

  async countMessages(queue: QueueRecord): Promise<MessageCounts> {
    return { visible: this.messages.get(queue.id)?.length ?? 0, inflight: 0, delayed: 0 };
  }

  async redriveMessages(request: RedriveRequest): Promise<RedriveResult> {
    this.redriveCalls++;
    if (this.failNextRedrive) {
      this.failNextRedrive = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    const from = this.messages.get(request.source.id) ?? [];
    const kept: FakeMessage[] = [];
    let moved = 0;
    let unroutable = 0;
    let remaining = false;
    for (const message of from) {
      if (moved >= request.max) {
        remaining = true;
        kept.push(message);
        continue;
      }
      const destination = await request.destination(message.deadLetterSourceArn);
      if (destination) {
        this.messages.get(destination.id)?.push({ body: message.body });
        moved++;
      } else {
        unroutable++;
        kept.push(message);
      }
    }
    this.messages.set(request.source.id, kept);
    return { moved, remaining, unroutable };
  }

  async createMoveTask(task: MoveTaskRecord): Promise<boolean> {
    if (this.active.has(task.sourceQueueId)) return false;
    this.active.set(task.sourceQueueId, task.taskId);
    this.tasks.set(task.taskId, task);
    return true;
  }

  async listMoveTasks(sourceQueueId: string, limit: number): Promise<MoveTaskRecord[]> {
    return [...this.tasks.values()]
      .filter((t) => t.sourceQueueId === sourceQueueId)
      .sort((a, b) => b.startedMs - a.startedMs)
      .slice(0, limit);
  }

  async listActiveMoveTasks(): Promise<MoveTaskRecord[]> {
    return [...this.active.values()].map((id) => this.tasks.get(id) as MoveTaskRecord);
  }

  async cancelMoveTask(sourceQueueId: string, taskId: string): Promise<MoveTaskRecord | undefined> {
    const task = this.tasks.get(taskId);
    if (this.active.get(sourceQueueId) !== taskId || task?.status !== 'RUNNING') return undefined;
    return this.update(task, { status: 'CANCELLING' });
  }

  async leaseMoveTask(
    key: MoveTaskKey,
    owner: string,
    nowMs: number,
    untilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    const task = this.tasks.get(key.taskId);
    if (!task || !isActive(task) || !(leaseIsFree(task, nowMs) || task.leaseOwner === owner))
      return undefined;
    return this.update(task, { leaseOwner: owner, leaseUntilMs: untilMs });
  }

  async recordMoveTaskProgress(
    key: MoveTaskKey,
    owner: string,
    addMoved: number,
    leaseUntilMs: number,
  ): Promise<MoveTaskRecord | undefined> {
    const task = this.tasks.get(key.taskId);
    if (!task) return undefined;
    const moved = task.moved + addMoved;
    if (isActive(task) && task.leaseOwner === owner) return this.update(task, { moved, leaseUntilMs });
    return this.update(task, { moved });
  }

  async endMoveTask(key: MoveTaskKey, end: MoveTaskEnd): Promise<MoveTaskEndResult> {
    const task = this.tasks.get(key.taskId);
    const leaseOk =
      task && (leaseIsFree(task, end.nowMs) || (end.owner !== undefined && task.leaseOwner === end.owner));
    if (!task || task.status !== end.expected || !leaseOk) return { ended: false, current: task };
    const { leaseOwner: _owner, leaseUntilMs: _until, ...rest } = task;
    this.tasks.set(task.taskId, {
      ...rest,
      status: end.status,
      moved: task.moved + end.addMoved,
      ...(end.failureReason !== undefined ? { failureReason: end.failureReason } : {}),
    });
    if (this.active.get(task.sourceQueueId) === task.taskId) this.active.delete(task.sourceQueueId);
    return { ended: true };
  }

  private update(task: MoveTaskRecord, change: Partial<MoveTaskRecord>): MoveTaskRecord {
    const updated = { ...task, ...change };
    this.tasks.set(task.taskId, updated);
    return updated;
  }
}

function isActive(task: MoveTaskRecord): boolean {
  return task.status === 'RUNNING' || task.status === 'CANCELLING';
}

function leaseIsFree(task: MoveTaskRecord, nowMs: number): boolean {
  return task.leaseUntilMs === undefined || task.leaseUntilMs <= nowMs;
}

import { randomUUID } from 'node:crypto';
import {
  isFifoRecord,
  type MoveTaskEnd,
  type MoveTaskRecord,
  type QueueRecord,
  type Store,
} from '../storage/store.js';
import { NO_ACTIVITY, type QueueActivity } from './activity.js';
import type { Clock } from './clock.js';
import { DESTINATION_GONE, isLeaseHeld, retentionMs } from './move-tasks.js';
import { queueNameOfArn } from './redrive-policy.js';

/** Waits `ms`, or less once `signal` aborts; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface MoveTaskRunnerOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** @default - `setTimeout` */
  readonly sleep?: Sleep;
  readonly accountId: string;
  readonly region: string;
  /** Names this runner in leases. @default - a random UUID */
  readonly ownerId?: string;
  /** How long a runner holds a task without renewing; another takes it over after that. @default 15,000 */
  readonly leaseMs?: number;
  /** How often a started runner looks for tasks started elsewhere or left by a stopped runner. @default 5,000 */
  readonly pollIntervalMs?: number;
  /** Told of an error a task step or a poll threw; the runner retries after a pause. @default - ignored */
  readonly onError?: (error: unknown) => void;
  /** Told which queues a step moved messages into. @default - nothing is told */
  readonly activity?: QueueActivity;
}

/** Messages a step moves when the task has no rate: steps run back to back. */
const UNRATED_STEP = 10;
/** How often a task's count reaches storage (and its lease is renewed); its end writes the exact count. */
const PROGRESS_INTERVAL_MS = 1_000;
/** The pause after a step that moved nothing although messages remain (held by a consumer, or contended). */
const IDLE_STEP_MS = 250;
const ERROR_PAUSE_MS = 1_000;

/**
 * Moves the messages of RUNNING tasks, in the background of a server (`start` / `stop`) or for a while from a
 * scheduled function (`runOnce`). Tasks live in storage: a runner takes one with a lease it renews with each
 * progress write, so two runners never move one task's messages at once, and a task whose runner stopped or
 * crashed is taken over once its lease ends (at once after a clean stop, which releases it).
 */
export class MoveTaskRunner {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly running = new Map<string, Promise<void>>();
  /** One per sleep in progress, aborted to cut it short: a wake-up, or a stop. */
  private readonly sleepers = new Set<AbortController>();
  private generation = 0;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private readonly taskContext: TaskContext;

  constructor(private readonly options: MoveTaskRunnerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.sleep = options.sleep ?? sleepWithTimeout;
    this.owner = options.ownerId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.taskContext = {
      store: this.store,
      clock: this.clock,
      owner: this.owner,
      leaseMs: this.leaseMs,
      accountId: options.accountId,
      region: options.region,
      onError: options.onError,
      activity: options.activity ?? NO_ACTIVITY,
      stopped: () => this.stopped,
      generation: () => this.generation,
      sleep: (ms) => this.pause(ms),
    };
  }

  /** Looks for tasks now and every `pollIntervalMs` until `stop`. */
  start(): void {
    if (this.polling || this.stopped) return;
    this.polling = this.poll();
  }

  /** A task started or was cancelled in this process: look now, and let running tasks see a cancel now. */
  wake(): void {
    this.generation++;
    for (const sleeper of this.sleepers) sleeper.abort();
    this.sleepers.clear();
  }

  /** Stops looking; each task finishes the step it is in and releases its lease with its count. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.polling;
    await Promise.all(this.running.values());
  }

  /** Takes every task it can and moves their messages until they end or `untilMs`, then releases them. */
  async runOnce(untilMs: number): Promise<void> {
    await this.pickUp(untilMs);
    await Promise.all(this.running.values());
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pickUp(Number.POSITIVE_INFINITY);
      } catch (error) {
        this.options.onError?.(error);
      }
      await this.pause(this.pollIntervalMs);
    }
  }

  /** Sleeps until `ms` pass, a wake-up, or a stop; not at all once stopped. */
  private async pause(ms: number): Promise<void> {
    if (this.stopped) return;
    const sleeper = new AbortController();
    this.sleepers.add(sleeper);
    await this.sleep(ms, sleeper.signal);
    this.sleepers.delete(sleeper);
  }

  private async pickUp(untilMs: number): Promise<void> {
    const nowMs = this.clock.nowMs();
    for (const task of await this.store.listActiveMoveTasks()) {
      if (this.stopped || this.running.has(task.taskId)) continue;
      if (isLeaseHeld(task, nowMs) && task.leaseOwner !== this.owner) continue;
      const leased = await this.store.leaseMoveTask(task, this.owner, nowMs, nowMs + this.leaseMs);
      if (!leased || this.running.has(task.taskId)) continue;
      const run = new TaskRun(this.taskContext, leased, untilMs)
        .run()
        .finally(() => this.running.delete(task.taskId));
      this.running.set(task.taskId, run);
    }
  }
}

/** What a task run needs of its runner. */
interface TaskContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly owner: string;
  readonly leaseMs: number;
  readonly accountId: string;
  readonly region: string;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly activity: QueueActivity;
  stopped(): boolean;
  /** Changes with every wake-up of the runner. */
  generation(): number;
  sleep(ms: number): Promise<void>;
}

/** One task in one runner, from taking its lease to ending or releasing it. */
class TaskRun {
  /** Moved since the last progress write. */
  private pending = 0;
  private moved: number;
  private lastProgressMs = Number.NEGATIVE_INFINITY;
  private seenGeneration: number;
  private nextStepMs: number;

  constructor(
    private readonly context: TaskContext,
    private readonly task: MoveTaskRecord,
    private readonly untilMs: number,
  ) {
    this.moved = task.moved;
    this.seenGeneration = this.context.generation();
    this.nextStepMs = this.context.clock.nowMs();
  }

  async run(): Promise<void> {
    const { clock } = this.context;
    for (;;) {
      try {
        if (this.context.stopped() || clock.nowMs() >= this.untilMs) {
          await this.writeProgress(0);
          return;
        }
        const woken = this.seenGeneration !== this.context.generation();
        if (woken || clock.nowMs() - this.lastProgressMs >= PROGRESS_INTERVAL_MS) {
          this.seenGeneration = this.context.generation();
          const current = await this.writeProgress(clock.nowMs() + this.context.leaseMs);
          // Lost to another runner (this one stalled past its lease), or ended elsewhere.
          if (current?.leaseOwner !== this.context.owner) return;
          if (current.status === 'CANCELLING') return void (await this.end('CANCELLED'));
          if (current.status !== 'RUNNING') return;
        }
        const waitMs = Math.min(this.nextStepMs, this.lastProgressMs + PROGRESS_INTERVAL_MS) - clock.nowMs();
        if (waitMs > 0) {
          await this.context.sleep(waitMs);
          continue;
        }
        if (clock.nowMs() >= this.nextStepMs && (await this.step())) return;
      } catch (error) {
        this.context.onError?.(error);
        // A stopping runner does not retry: its lease runs out and another runner takes the task over.
        if (this.context.stopped()) return;
        await this.context.sleep(ERROR_PAUSE_MS);
      }
    }
  }

  /** Moves one batch; true when the task has ended. */
  private async step(): Promise<boolean> {
    const { store, clock } = this.context;
    const stepStartMs = clock.nowMs();
    const source = await this.queueOfArn(this.task.sourceArn);
    if (!source || source.id !== this.task.sourceQueueId) return this.end('FAILED', DESTINATION_GONE);
    const left = this.task.toMove - this.moved;
    if (left <= 0) return this.end('COMPLETED');
    const destinations = new Map<string | undefined, Promise<QueueRecord | undefined>>();
    const result = await store.redriveMessages({
      source,
      max: Math.min(left, this.stepSize()),
      nowMs: stepStartMs,
      retentionMs: retentionMs(source),
      destination: (deadLetterSourceArn) => {
        const arn = this.task.destinationArn ?? deadLetterSourceArn;
        let found = destinations.get(arn);
        if (!found) {
          found = this.destinationFor(source, arn);
          destinations.set(arn, found);
        }
        return found;
      },
    });
    this.pending += result.moved;
    this.moved += result.moved;
    if (result.moved > 0) {
      for (const destination of await Promise.all(destinations.values())) {
        if (destination) this.context.activity.messagesMovedIn(destination.name);
      }
    }
    // A message whose destination is gone (or that has none to go back to) fails the task, as SQS fails a task
    // whose destination queue is deleted while it runs; what moved stays moved.
    if (result.unroutable > 0) return this.end('FAILED', DESTINATION_GONE);
    if (!result.remaining || this.moved >= this.task.toMove) return this.end('COMPLETED');
    this.nextStepMs = this.nextStepAfter(stepStartMs, result.moved);
    return false;
  }

  private stepSize(): number {
    const rate = this.task.maxNumberOfMessagesPerSecond;
    // About ten steps a second at a rate, so the rate holds over any second, not only on average.
    return rate === undefined ? UNRATED_STEP : Math.min(UNRATED_STEP, Math.max(1, Math.ceil(rate / 10)));
  }

  private nextStepAfter(stepStartMs: number, moved: number): number {
    if (moved === 0) return stepStartMs + IDLE_STEP_MS;
    const rate = this.task.maxNumberOfMessagesPerSecond;
    if (rate === undefined) return stepStartMs;
    // A schedule rather than a pause after each step, so the time steps take counts against the rate.
    return Math.max(this.nextStepMs, stepStartMs - 1_000) + (moved * 1_000) / rate;
  }

  /** The queue `arn` names if it exists and is of the source's type; read fresh, once per step. */
  private async destinationFor(
    source: QueueRecord,
    arn: string | undefined,
  ): Promise<QueueRecord | undefined> {
    const destination = await this.queueOfArn(arn);
    return destination && isFifoRecord(destination) === isFifoRecord(source) ? destination : undefined;
  }

  private async queueOfArn(arn: string | undefined): Promise<QueueRecord | undefined> {
    if (arn === undefined) return undefined;
    const name = queueNameOfArn(arn, this.context.accountId, this.context.region);
    return name === undefined ? undefined : this.context.store.getQueue(name);
  }

  /** Writes the count moved since the last write, and renews the lease until `leaseUntilMs` (0 releases it). */
  private async writeProgress(leaseUntilMs: number): Promise<MoveTaskRecord | undefined> {
    const { store, owner, clock } = this.context;
    const current = await store.recordMoveTaskProgress(this.task, owner, this.pending, leaseUntilMs);
    this.pending = 0;
    this.lastProgressMs = clock.nowMs();
    if (current) this.moved = current.moved;
    return current;
  }

  /** Ends the task; a cancel that came in meanwhile wins, as the task then ends CANCELLED. Always true. */
  private async end(status: MoveTaskEnd['status'], failureReason?: string): Promise<true> {
    const { store, owner, clock } = this.context;
    const end = (change: Pick<MoveTaskEnd, 'status' | 'expected'>) =>
      store.endMoveTask(this.task, {
        ...change,
        addMoved: this.pending,
        owner,
        nowMs: clock.nowMs(),
        ...(change.status === 'FAILED' && failureReason !== undefined ? { failureReason } : {}),
      });
    let result = await end({ status, expected: status === 'CANCELLED' ? 'CANCELLING' : 'RUNNING' });
    if (!result.ended && result.current?.status === 'CANCELLING' && status !== 'CANCELLED') {
      result = await end({ status: 'CANCELLED', expected: 'CANCELLING' });
    }
    // Lost the lease meanwhile: the count still goes in; the new holder ends the task.
    if (!result.ended && this.pending > 0) await this.writeProgress(0);
    this.pending = 0;
    return true;
  }
}

function sleepWithTimeout(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

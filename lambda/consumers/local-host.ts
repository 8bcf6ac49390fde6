import type { QueueActivity } from '../engine/activity.js';
import { deadLetterTargetOf } from '../engine/redrive-policy.js';
import type { SqsEngine } from '../engine/types.js';
import { ConsumerDispatcher } from './dispatcher.js';
import { MemoryConcurrencySlots } from './memory-slots.js';
import type { InvocationReport, Invoker } from './ports.js';
import type { ConsumerSettings } from './settings.js';
import type { SqsRecord } from './sqs-event.js';
import { WakeTimers } from './wake-timers.js';

/** One consumer as the host runs it. */
export interface LocalConsumerSpec {
  /** Names the consumer in log lines: the handler as declared (`./handlers/orders.ts#handler`). */
  readonly label: string;
  readonly settings: ConsumerSettings;
  readonly invoker: Invoker;
  /** @default - every record is delivered */
  readonly filter?: (record: SqsRecord) => boolean;
}

export interface LocalConsumerHostOptions {
  /** Where log lines go: one per invocation, errors with their stacks. @default console */
  readonly log?: { info(line: string): void; error(line: string): void };
  /** Told of every invocation (the bench measures with it). @default - nobody */
  readonly onInvocation?: (report: InvocationReport, label: string) => void;
}

/**
 * Runs consumers inside the local server, pushed rather than polling: it is the engine's `QueueActivity`
 * listener, so a send, a move task's step or a dead-letter move wakes the queue's dispatchers at once, and a
 * delayed message or a failed batch's visibility timeout wakes them by a timer at the moment the messages
 * become visible. An empty queue costs nothing: no timer runs and no receive is made until something arrives.
 */
export class LocalConsumerHost implements QueueActivity {
  private readonly byQueue = new Map<string, { dispatcher: ConsumerDispatcher; label: string }[]>();
  private readonly timers = new WakeTimers((queueName) => this.wakeQueue(queueName));
  private readonly slots = new MemoryConcurrencySlots();
  private readonly log: NonNullable<LocalConsumerHostOptions['log']>;
  private engine: SqsEngine | undefined;
  private started = false;
  private count = 0;

  constructor(private readonly options: LocalConsumerHostOptions = {}) {
    this.log = options.log ?? { info: (line) => console.log(line), error: (line) => console.error(line) };
  }

  /** Adds consumers over `engine`; they run once `start` is called (at once when it was). */
  attach(engine: SqsEngine, consumers: readonly LocalConsumerSpec[]): void {
    this.engine = engine;
    for (const spec of consumers) {
      const { settings, label } = spec;
      this.count += 1;
      const consumerId = `${settings.queueName}#${this.count}`;
      const dispatcher = new ConsumerDispatcher({
        engine,
        settings,
        invoker: spec.invoker,
        slots: this.slots,
        consumerId,
        ...(spec.filter ? { filter: spec.filter } : {}),
        listener: {
          onInvocation: (report) => this.logInvocation(report, label),
          onFiltered: (report) =>
            this.log.info(
              `consumer ${report.queueName}: filtered=${report.records} (deleted without invoking) handler=${label}`,
            ),
          onError: (error, during) =>
            this.log.error(
              `consumer ${settings.queueName}: ${during} failed (the messages come back): ${describe(error)}`,
            ),
          onWakeAt: (atMs) => this.timers.at(settings.queueName, atMs),
        },
      });
      const list = this.byQueue.get(settings.queueName) ?? [];
      list.push({ dispatcher, label });
      this.byQueue.set(settings.queueName, list);
      if (this.started) dispatcher.wake();
    }
  }

  /** Wakes every consumer once, for what the queues held before this process started. */
  start(): void {
    this.started = true;
    for (const queueName of this.byQueue.keys()) this.wakeQueue(queueName);
  }

  /** Stops timers and dispatchers, waiting for running invocations. */
  async stop(): Promise<void> {
    this.started = false;
    this.timers.stop();
    await Promise.all([...this.byQueue.values()].flat().map(({ dispatcher }) => dispatcher.stop()));
  }

  /** Resolves when no dispatcher has a poller running: for tests and the bench. */
  async idle(): Promise<void> {
    await Promise.all([...this.byQueue.values()].flat().map(({ dispatcher }) => dispatcher.idle()));
  }

  messagesSent(queueName: string, _sizesBytes: readonly number[], visibleAtMs: readonly number[]): void {
    if (!this.byQueue.has(queueName)) return;
    const nowMs = Date.now();
    let visibleNow = false;
    for (const atMs of visibleAtMs) {
      if (atMs <= nowMs) visibleNow = true;
      else this.timers.at(queueName, atMs);
    }
    if (visibleNow || visibleAtMs.length === 0) this.wakeQueue(queueName);
  }

  messagesReceived(): void {}

  messagesDeleted(): void {}

  messagesMovedToDeadLetterQueue(queueName: string): void {
    const engine = this.engine;
    if (!engine || !this.started) return;
    // The receive that moved them may have come back empty, though the messages behind them (a FIFO group's
    // next) can be received now: the source's consumers look again.
    this.wakeQueue(queueName);
    // The dead-letter queue is the source's RedrivePolicy target, read now: the policy may have changed.
    void engine
      .getQueueAttributes({ queueName, attributeNames: ['RedrivePolicy'] })
      .then((attributes) => {
        const target = deadLetterTargetOf(attributes);
        if (target) this.wakeQueue(target.queueName);
      })
      .catch((error: unknown) =>
        this.log.error(`consumers: could not read ${queueName}'s RedrivePolicy: ${describe(error)}`),
      );
  }

  messagesMovedIn(queueName: string): void {
    this.wakeQueue(queueName);
  }

  private wakeQueue(queueName: string): void {
    if (!this.started) return;
    for (const { dispatcher } of this.byQueue.get(queueName) ?? []) dispatcher.wake();
  }

  private logInvocation(report: InvocationReport, label: string): void {
    const line =
      `consumer ${report.queueName}: records=${report.records} outcome=${report.outcome} duration=${Math.round(report.durationMs)}ms` +
      ` oldestRecordAge=${Math.round(report.oldestRecordAgeMs)}ms deleted=${report.deleted} kept=${report.kept} handler=${label}`;
    if (report.outcome === 'error' || report.outcome === 'timeout') {
      const error = report.error;
      const stack = error?.stack ?? `${error?.name ?? 'Error'}: ${error?.message ?? ''}`;
      this.log.error(`${line}\n${indent(stack)}`);
    } else if (report.outcome === 'invalid-response') {
      this.log.error(`${line} invalidResponse=${report.invalidResponse}`);
    } else {
      this.log.info(line);
    }
    this.options.onInvocation?.(report, label);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

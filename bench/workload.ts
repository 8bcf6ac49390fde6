import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary, sleep } from './stats.js';

/** One producer/consumer shape: P producers, C consumers, B messages per call. */
export interface BenchConfig {
  readonly name: string;
  readonly producers: number;
  readonly consumers: number;
  readonly batchSize: number;
}

export const CONFIGS: readonly BenchConfig[] = [
  { name: '1x1-b1', producers: 1, consumers: 1, batchSize: 1 },
  { name: '1x1-b10', producers: 1, consumers: 1, batchSize: 10 },
  { name: '8x8-b1', producers: 8, consumers: 8, batchSize: 1 },
  { name: '8x8-b10', producers: 8, consumers: 8, batchSize: 10 },
];

/**
 * The same shapes on a FIFO queue (bench/fifo-target.ts: each send call to one random group of 64). Their
 * floor is the Standard floor of the same shape: the issue asks for one yardstick for both kinds of queue.
 */
export const FIFO_CONFIGS: readonly BenchConfig[] = CONFIGS.map((c) => ({ ...c, name: `fifo-${c.name}` }));

export const BODY_BYTES = 1024;
export const VISIBILITY_TIMEOUT_SECONDS = 60;
/** Pause after a receive that found nothing, so idle consumers do not spin. */
const EMPTY_RECEIVE_PAUSE_MS = 10;
const BACKLOG_PAUSE_MS = 5;

/** A received message as a consumer holds it until it deletes it. */
export interface Received {
  readonly messageId: string;
}

/** What a run drives: the full SQS API over HTTP, or the raw-DynamoDB floor. */
export interface QueueTarget<M extends Received> {
  /** `producer` numbers the calling producer (0..P-1), for targets that check per-producer order. */
  send(bodies: readonly string[], producer: number): Promise<void>;
  receive(maxMessages: number): Promise<M[]>;
  delete(messages: readonly M[]): Promise<void>;
}

export type Action = 'send' | 'receive' | 'delete';

/**
 * Called at the two edges of the measured window. Whatever a hook reads synchronously is exact; a hook that
 * reads another process (the server's meter, over IPC) returns a promise, which the workload awaits while the
 * load keeps running. Its request must leave synchronously, so that both edges are late by the same IPC hop.
 */
export interface WindowHooks {
  windowStarted(): void | Promise<void>;
  windowEnded(): void | Promise<void>;
}

export interface WorkloadResult {
  readonly windowSeconds: number;
  /** Messages deleted by calls that completed inside the window. */
  readonly lifecycles: number;
  /** Messages sent and received by calls that completed inside the window: close to `lifecycles` in a steady state. */
  readonly sentInWindow: number;
  readonly receivedInWindow: number;
  /** Messages in the queue when the producers first reached the backlog limit, before consumers started. */
  readonly prefilled: number;
  readonly lifecyclesPerSec: number;
  /** Calls that completed inside the window. */
  readonly latencyMs: Record<Action, LatencySummary>;
  /** Receives inside the window that returned no message. */
  readonly emptyReceives: number;
  /** Deliveries of a message id that another receive got less than the visibility timeout before. */
  readonly duplicates: number;
  /** Failed calls over the whole run, warm-up included; the first few are logged to stderr. */
  readonly errors: Record<Action, number>;
}

/** Longest the producers may take to fill the backlog before consumers start anyway. */
const MAX_PREFILL_MS = 60_000;

/**
 * Runs producers and consumers against `target` for a warm-up and a measured window. Producers pause while
 * the backlog exceeds max(200, 40·B·C), so the queue neither drains nor grows without bound; they fill it to
 * that limit before consumers start, so the window sees a steady state in which sends match deletes and the
 * units per lifecycle are not inflated by sends whose deletes fall after the window. Every delivery is checked
 * against earlier ones: a message id delivered again within the visibility timeout is a duplicate.
 */
export async function runWorkload<M extends Received>(
  target: QueueTarget<M>,
  config: BenchConfig,
  timing: { readonly warmupMs: number; readonly windowMs: number },
  hooks: WindowHooks,
  log: (line: string) => void,
): Promise<WorkloadResult> {
  const { batchSize } = config;
  const backlogLimit = Math.max(200, 40 * batchSize * config.consumers);
  const visibilityMs = VISIBILITY_TIMEOUT_SECONDS * 1000;
  const latency = {
    send: new LatencyRecorder(),
    receive: new LatencyRecorder(),
    delete: new LatencyRecorder(),
  };
  const errors: Record<Action, number> = { send: 0, receive: 0, delete: 0 };
  const firstDelivery = new Map<string, number>();
  const bodies = new BodyFactory();
  let phase: 'prefill' | 'warmup' | 'window' | 'done' = 'prefill';
  let sent = 0;
  let sentInWindow = 0;
  let receivedInWindow = 0;
  let deleted = 0;
  let lifecycles = 0;
  let emptyReceives = 0;
  let duplicates = 0;

  const timed = async <T>(action: Action, call: () => Promise<T>): Promise<T | undefined> => {
    const start = performance.now();
    try {
      const result = await call();
      if (phase === 'window') latency[action].record(performance.now() - start);
      return result;
    } catch (error) {
      errors[action]++;
      if (errors[action] <= 3)
        log(`  ${action} failed: ${(error as Error).name}: ${(error as Error).message}`);
      await sleep(50);
      return undefined;
    }
  };

  const produce = async (producer: number) => {
    while (phase !== 'done') {
      if (sent - deleted > backlogLimit) {
        await sleep(BACKLOG_PAUSE_MS);
        continue;
      }
      const batch = bodies.next(batchSize);
      if ((await timed('send', () => target.send(batch, producer).then(() => true))) === true) {
        sent += batch.length;
        if (phase === 'window') sentInWindow += batch.length;
      }
    }
  };

  const consume = async () => {
    while (phase === 'prefill') await sleep(BACKLOG_PAUSE_MS);
    while (phase !== 'done') {
      const messages = await timed('receive', () => target.receive(batchSize));
      if (messages === undefined) continue;
      if (messages.length === 0) {
        if (phase === 'window') emptyReceives++;
        await sleep(EMPTY_RECEIVE_PAUSE_MS);
        continue;
      }
      if (phase === 'window') receivedInWindow += messages.length;
      const now = performance.now();
      for (const { messageId } of messages) {
        const earlier = firstDelivery.get(messageId);
        if (earlier !== undefined && now - earlier < visibilityMs) duplicates++;
        else firstDelivery.set(messageId, now);
      }
      // Deleted even after the window closed, so no consumer leaves messages in flight behind it.
      const ok = await timed('delete', () => target.delete(messages).then(() => true));
      if (ok === true) {
        deleted += messages.length;
        if (phase === 'window') lifecycles += messages.length;
      }
    }
  };

  const workers = [
    ...Array.from({ length: config.producers }, (_, producer) => produce(producer)),
    ...Array.from({ length: config.consumers }, () => consume()),
  ];
  const prefillDeadline = performance.now() + MAX_PREFILL_MS;
  while (sent < backlogLimit && performance.now() < prefillDeadline) await sleep(BACKLOG_PAUSE_MS);
  const prefilled = sent;
  if (prefilled < backlogLimit)
    log(`  backlog reached only ${prefilled} of ${backlogLimit} before consumers started`);
  phase = 'warmup';
  await sleep(timing.warmupMs);
  phase = 'window';
  const started = hooks.windowStarted();
  const windowStart = performance.now();
  await started;
  await sleep(timing.windowMs - (performance.now() - windowStart));
  const windowSeconds = (performance.now() - windowStart) / 1000;
  const ended = hooks.windowEnded();
  const finalLifecycles = lifecycles;
  const latencyMs = {
    send: latency.send.summary(),
    receive: latency.receive.summary(),
    delete: latency.delete.summary(),
  };
  const finalEmpty = emptyReceives;
  const finalSent = sentInWindow;
  const finalReceived = receivedInWindow;
  phase = 'done';
  await ended;
  await Promise.all(workers);
  return {
    windowSeconds,
    lifecycles: finalLifecycles,
    sentInWindow: finalSent,
    receivedInWindow: finalReceived,
    prefilled,
    lifecyclesPerSec: finalLifecycles / windowSeconds,
    latencyMs,
    emptyReceives: finalEmpty,
    duplicates,
    errors,
  };
}

/** Unique ~1 KB bodies: a counter keeps them distinct, random filler keeps them from compressing to nothing. */
export class BodyFactory {
  private readonly filler = randomBytes(BODY_BYTES).toString('base64url');
  private readonly prefix = randomBytes(6).toString('hex');
  private count = 0;

  next(n: number): string[] {
    return Array.from({ length: n }, () => {
      const head = `${this.prefix}-${++this.count}-`;
      return head + this.filler.slice(0, BODY_BYTES - head.length);
    });
  }
}

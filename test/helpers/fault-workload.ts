/**
 * Mixed Standard and FIFO traffic for fault runs: producers and consumers over the SDK (retries on), and a
 * ledger of what every client saw, so a run can say what was lost, held twice, delivered out of order or after
 * its delete, and which errors reached a client. Needs no vitest (bench/faults.ts runs it too).
 */
import { FifoChecker, type HeldDelivery } from '../../bench/fifo-checker.js';
import { errorCodeOf, isRetryableClientError, RETRYABLE_SQS_CODES } from './fault-service.js';
import type { BatchFailure, ReceivedMessage } from './sqs-api.js';
import type { TestQueue } from './test-queue.js';

export interface TrafficOptions {
  /** A Standard queue, or none. */
  readonly standard?: TestQueue;
  /** Its VisibilityTimeout, seconds (10 or more takes the two-write claim, under 10 the transaction). */
  readonly standardVisibilitySeconds?: number;
  /** A FIFO queue, or none. */
  readonly fifo?: TestQueue;
  readonly fifoVisibilitySeconds?: number;
  /** Producers per queue. @default 2 */
  readonly producers?: number;
  /** Consumers per queue. @default 2 */
  readonly consumers?: number;
  /** Messages per send call (1 sends with SendMessage). @default 5 */
  readonly batch?: number;
  /** FIFO groups per producer. @default 4 */
  readonly groupsPerProducer?: number;
}

/** One delivery of a message to a consumer, as the client saw it. */
interface Delivery {
  readonly consumer: string;
  /** The queue's visibility timeout. */
  readonly windowMs: number;
  readonly requestedAtMs: number;
  readonly answeredAtMs: number;
  deleteRequestedAtMs?: number;
  deletedAtMs?: number;
}

/** What a run found. */
export interface TrafficReport {
  /** Sends a client saw succeed (per message). */
  readonly acknowledged: number;
  /** Sends that failed: the message may or may not be in the queue. */
  readonly unacknowledged: number;
  /** Acknowledged messages never delivered. */
  readonly lost: string[];
  /** Acknowledged messages delivered but not deleted by the end (still held, or their deletes failed). */
  readonly undeleted: number;
  /** A few of them, `standard|fifo id (deliveries)`. */
  readonly undeletedExamples: string[];
  /** A receive returned a message another consumer certainly held inside its visibility window. */
  readonly heldTwice: string[];
  /** A message delivered again after a client's delete of it had succeeded. */
  readonly deliveredAfterDelete: string[];
  /** FIFO order or group lock broken (bench/fifo-checker.ts). */
  readonly fifoViolations: string[];
  readonly fifoOrderViolations: number;
  readonly fifoLockViolations: number;
  /** Client-visible errors by code: calls that failed after the SDK's retries, and failed batch entries. */
  readonly errors: Record<string, { count: number; retryable: boolean }>;
}

const now = () => Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs producers and consumers: producers until `stopProducing()`, consumers until every acknowledged message
 * was deleted once `finish()` is called, or its deadline passes.
 */
export function startTraffic(options: TrafficOptions): {
  stopProducing(): void;
  finish(deadlineMs: number): Promise<TrafficReport>;
} {
  const producers = options.producers ?? 2;
  const consumers = options.consumers ?? 2;
  const batch = options.batch ?? 5;
  const errors: TrafficReport['errors'] = {};
  const count = (code: string, retryable: boolean) => {
    const entry = errors[code] ?? { count: 0, retryable };
    entry.count++;
    errors[code] = entry;
  };
  const seenError = (error: unknown) => count(errorCodeOf(error), isRetryableClientError(error));
  const seenFailures = (failures: readonly BatchFailure[]) => {
    for (const failure of failures) {
      count(failure.code, (RETRYABLE_SQS_CODES as readonly string[]).includes(failure.code));
    }
  };

  const acknowledged = new Set<string>();
  const fifoIds = new Set<string>();
  let unacknowledged = 0;
  const deliveries = new Map<string, Delivery[]>();
  const checker = new FifoChecker();
  let producing = true;
  let lastDeliveryAtMs = now();
  let consuming = true;

  const produceStandard = async (queue: TestQueue, p: number) => {
    for (let n = 0; producing; n++) {
      const entries = Array.from({ length: batch }, (_, i) => ({ id: `e${i}`, body: `s-${p}-${n}-${i}` }));
      try {
        if (batch === 1) {
          acknowledged.add((await queue.send(entries[0]?.body ?? '')).messageId);
        } else {
          const result = await queue.sendBatch(entries);
          for (const entry of result.successful) acknowledged.add(entry.messageId);
          seenFailures(result.failed);
          unacknowledged += result.failed.length;
        }
      } catch (error) {
        seenError(error);
        unacknowledged += batch;
        await sleep(100);
      }
    }
  };

  const produceFifo = async (queue: TestQueue, p: number) => {
    const groups = options.groupsPerProducer ?? 4;
    for (let n = 0; producing; n++) {
      const group = `g${p}-${n % groups}`;
      const entries = Array.from({ length: batch }, (_, i) => {
        const body = `f-${p}-${n}-${i}`;
        return { id: `e${i}`, body, messageGroupId: group, messageDeduplicationId: body };
      });
      // As a FIFO producer should: the same batch again, with the same deduplication ids, until it is taken,
      // so a group's order never depends on which attempt landed.
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await queue.sendBatch(entries);
          seenFailures(result.failed);
          if (result.failed.length > 0) throw new Error('retry the batch');
          const sent = [...result.successful].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
          for (const entry of sent) {
            acknowledged.add(entry.messageId);
            fifoIds.add(entry.messageId);
          }
          checker.sentBy(
            p,
            sent.map((entry) => ({
              messageId: entry.messageId,
              groupId: group,
              sequenceNumber: entry.sequenceNumber ?? '0',
            })),
          );
          break;
        } catch (error) {
          if (error instanceof Error && error.message === 'retry the batch') {
            // counted above, entry by entry
          } else seenError(error);
          if (!producing && attempt >= 5) {
            unacknowledged += batch;
            return;
          }
          await sleep(50);
        }
      }
    }
  };

  const consume = async (queue: TestQueue, name: string, fifo: boolean, windowMs: number) => {
    while (consuming) {
      const requestedAtMs = now();
      let messages: ReceivedMessage[];
      try {
        messages = await queue.receive({
          maxNumberOfMessages: 10,
          waitTimeSeconds: 1,
          messageSystemAttributeNames: ['SequenceNumber', 'MessageGroupId'],
        });
      } catch (error) {
        seenError(error);
        await sleep(100);
        continue;
      }
      const answeredAtMs = now();
      if (messages.length > 0) lastDeliveryAtMs = answeredAtMs;
      const mine: Delivery[] = messages.map((message) => {
        const delivery = { consumer: name, windowMs, requestedAtMs, answeredAtMs };
        deliveries.set(message.messageId, [...(deliveries.get(message.messageId) ?? []), delivery]);
        return delivery;
      });
      if (messages.length === 0) continue;
      const held: HeldDelivery[] = fifo
        ? checker.received(
            messages.map((m) => ({
              messageId: m.messageId,
              groupId: m.attributes.MessageGroupId ?? '',
              sequenceNumber: m.attributes.SequenceNumber ?? '0',
            })),
          )
        : [];
      const deleteRequestedAtMs = now();
      for (const delivery of mine) delivery.deleteRequestedAtMs = deleteRequestedAtMs;
      if (fifo) checker.deleteSent(held);
      try {
        const result = await queue.deleteBatch(
          messages.map((m, i) => ({ id: `d${i}`, receiptHandle: m.receiptHandle })),
        );
        seenFailures(result.failed.filter((f) => !isExpiredReceipt(f)));
        const deletedAtMs = now();
        for (const entry of result.successful) {
          const i = Number(entry.id.slice(1));
          (mine[i] as Delivery).deletedAtMs = deletedAtMs;
          if (fifo) checker.deleted([held[i] as HeldDelivery]);
        }
      } catch (error) {
        seenError(error);
      }
    }
  };

  const producing$: Promise<void>[] = [];
  const consuming$: Promise<void>[] = [];
  for (let p = 0; p < producers; p++) {
    if (options.standard) producing$.push(produceStandard(options.standard, p));
    if (options.fifo) producing$.push(produceFifo(options.fifo, p));
  }
  for (let c = 0; c < consumers; c++) {
    const standardMs = 1000 * (options.standardVisibilitySeconds ?? 30);
    const fifoMs = 1000 * (options.fifoVisibilitySeconds ?? 30);
    if (options.standard) consuming$.push(consume(options.standard, `s${c}`, false, standardMs));
    if (options.fifo) consuming$.push(consume(options.fifo, `f${c}`, true, fifoMs));
  }

  return {
    stopProducing: () => {
      producing = false;
    },
    finish: async (deadlineMs) => {
      producing = false;
      await Promise.all(producing$);
      const deadline = now() + deadlineMs;
      const allDeleted = () =>
        [...acknowledged].every((id) => deliveries.get(id)?.some((d) => d.deletedAtMs !== undefined));
      // Done when every message is deleted, or delivered with nothing redelivered for a visibility timeout (a
      // delete applied whose answer was lost leaves a message undeleted in the ledger, never to return).
      const quietMs =
        1000 * Math.max(options.standardVisibilitySeconds ?? 0, options.fifoVisibilitySeconds ?? 0) + 1_000;
      const allDelivered = () => [...acknowledged].every((id) => deliveries.has(id));
      while (!allDeleted() && !(allDelivered() && now() - lastDeliveryAtMs > quietMs) && now() < deadline) {
        await sleep(200);
      }
      consuming = false;
      await Promise.all(consuming$);
      const fifoChecks = checker.finish();
      const undeleted = [...acknowledged].filter(
        (id) => deliveries.has(id) && !deliveries.get(id)?.some((d) => d.deletedAtMs !== undefined),
      );
      return {
        acknowledged: acknowledged.size,
        unacknowledged,
        lost: [...acknowledged].filter((id) => !deliveries.has(id)),
        undeleted: undeleted.length,
        undeletedExamples: undeleted
          .slice(0, 5)
          .map((id) => `${fifoIds.has(id) ? 'fifo' : 'standard'} ${id} (${deliveries.get(id)?.length})`),
        heldTwice: heldTwice(deliveries),
        deliveredAfterDelete: deliveredAfterDelete(deliveries),
        fifoViolations: [...fifoChecks.examples],
        fifoOrderViolations: fifoChecks.orderViolations,
        fifoLockViolations: fifoChecks.groupLockViolations,
        errors,
      };
    },
  };
}

/** FIFO answers a delete after the visibility timeout with "receipt handle has expired": the message comes back. */
function isExpiredReceipt(failure: BatchFailure): boolean {
  return failure.code === 'InvalidParameterValue' && /expired/i.test(failure.message);
}

/**
 * Deliveries that began while an earlier one certainly still held the message: before the earlier delete was
 * sent and before its visibility timeout, counted from its request, ran out. (FIFO group holds are the checker's.)
 */
function heldTwice(deliveries: Map<string, Delivery[]>): string[] {
  const found: string[] = [];
  for (const [id, list] of deliveries) {
    const sorted = [...list].sort((a, b) => a.answeredAtMs - b.answeredAtMs);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as Delivery;
      const after = sorted[i] as Delivery;
      const heldUntil = Math.min(
        before.requestedAtMs + before.windowMs,
        before.deleteRequestedAtMs ?? Infinity,
      );
      if (after.answeredAtMs < heldUntil) {
        found.push(`${id}: ${after.consumer} at ${after.answeredAtMs} while ${before.consumer} held it`);
      }
    }
  }
  return found;
}

/** Deliveries answered after an earlier delivery's delete had succeeded. */
function deliveredAfterDelete(deliveries: Map<string, Delivery[]>): string[] {
  const found: string[] = [];
  for (const [id, list] of deliveries) {
    const deletedAt = Math.min(...list.map((d) => d.deletedAtMs ?? Infinity));
    const again = list.filter((d) => d.requestedAtMs > deletedAt);
    if (again.length > 0)
      found.push(`${id}: delivered ${again.length} more time(s) after its delete succeeded`);
  }
  return found;
}

/**
 * How long after the faults stopped the service answers normally again: the time until the first of three
 * probes in a row (send, receive, delete on `probe`, each call one attempt) that all succeed within a second.
 */
export async function timeToNormal(
  probe: TestQueue,
  stoppedAtMs: number,
  deadlineMs = 30_000,
): Promise<number | undefined> {
  let streakStartMs: number | undefined;
  let streak = 0;
  while (now() - stoppedAtMs < deadlineMs) {
    const startMs = now();
    try {
      await probe.send('probe');
      const received = await probe.receive({ maxNumberOfMessages: 10 });
      if (received.length > 0) {
        await probe.deleteBatch(received.map((m, i) => ({ id: `p${i}`, receiptHandle: m.receiptHandle })));
      }
      if (received.length === 0 || now() - startMs > 1_000) throw new Error('slow or empty');
      streakStartMs ??= startMs;
      if (++streak >= 3) return streakStartMs - stoppedAtMs;
    } catch {
      streak = 0;
      streakStartMs = undefined;
      await sleep(100);
    }
  }
  return undefined;
}

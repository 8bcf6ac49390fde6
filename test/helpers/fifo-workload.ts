/**
 * A FIFO workload for concurrency tests: senders fill many groups while consumers receive and delete,
 * recording every delivery with the times a client can observe, so a test can check the group lock and
 * the per-group order afterwards without trusting the server's word for either.
 */
import { bodyOf, createFifoQueue, groupOf } from './fifo.js';
import { sleep } from './poll.js';
import type { BatchFailure } from './sqs-api.js';
import type { TestQueue } from './test-queue.js';

const RECEIVE_ATTRIBUTES = ['ApproximateReceiveCount', 'SequenceNumber', 'MessageGroupId'];

/** How much to send, and how the consumers behave. */
export interface Workload {
  readonly groups: number;
  readonly perGroup: number;
  readonly visibilityTimeoutSeconds: number;
  /** Share of receives after which the consumer "crashes": it never deletes what it received. */
  readonly crashRate: number;
  readonly senders: number;
  readonly consumers: number;
  /** Consumers give up after this long, leaving the undeleted messages for the assertions to find. */
  readonly deadlineMs: number;
}

/** What one consumer received of one group in one ReceiveMessage, and what became of it. */
export interface Delivery {
  readonly consumer: number;
  readonly group: string;
  /** Positions in the group's send order, in the order the receive returned them. */
  readonly indices: number[];
  readonly receiveCounts: string[];
  readonly sequenceNumbers: string[];
  readonly groupIds: string[];
  readonly requestedAtMs: number;
  readonly answeredAtMs: number;
  /** When the consumer asked to delete them; absent when it crashed instead. */
  deleteRequestedAtMs?: number;
  /** Positions whose delete succeeded. */
  readonly deleted: Set<number>;
}

/** Everything the consumers observed. */
export interface Outcome {
  readonly deliveries: Delivery[];
  /** Successful deletes per body. */
  readonly deletes: Map<string, number>;
  readonly deleteFailures: BatchFailure[];
}

/** `[0, 1, ..., count - 1]` */
export const range = (count: number) => Array.from({ length: count }, (_, i) => i);
/** The name of the workload's `g`-th group. */
export const groupName = (g: number) => `g${g}`;
const indexOf = (body: string) => Number(body.slice(body.lastIndexOf('-') + 1));

/** A small seeded generator, so a failing run's crash pattern is not pure chance. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Sends every group's messages in batches of 10. Each group belongs to one sender, which sends its
 * batches in order; senders go round their groups so that all groups fill up while consumers run.
 * Returns each group's SequenceNumbers by position.
 */
async function sendAll(queue: TestQueue, workload: Workload): Promise<Map<string, (string | undefined)[]>> {
  const sequenceNumbers = new Map(
    range(workload.groups).map((g) => [groupName(g), [] as (string | undefined)[]]),
  );
  const sender = async (s: number) => {
    for (let start = 0; start < workload.perGroup; start += 10) {
      for (let g = s; g < workload.groups; g += workload.senders) {
        const group = groupName(g);
        const entries = range(Math.min(10, workload.perGroup - start)).map((i) => {
          const body = bodyOf(group, start + i);
          return { id: `e${i}`, body, messageGroupId: group, messageDeduplicationId: body };
        });
        const result = await queue.sendBatch(entries);
        if (result.failed.length > 0) throw new Error(`send failed: ${JSON.stringify(result.failed)}`);
        for (const entry of result.successful) {
          (sequenceNumbers.get(group) ?? [])[start + Number(entry.id.slice(1))] = entry.sequenceNumber;
        }
      }
    }
  };
  await Promise.all(range(workload.senders).map(sender));
  return sequenceNumbers;
}

/** Runs the consumers until every message has been deleted once, or the deadline passes. */
async function consumeAll(
  queue: TestQueue,
  workload: Workload,
  stop: { stopped: boolean },
): Promise<Outcome> {
  const total = workload.groups * workload.perGroup;
  const outcome: Outcome = { deliveries: [], deletes: new Map(), deleteFailures: [] };
  const random = seededRandom(20_240_601);
  const deadline = Date.now() + workload.deadlineMs;
  const consumer = async (consumer: number) => {
    while (outcome.deletes.size < total && Date.now() < deadline && !stop.stopped) {
      const requestedAtMs = Date.now();
      const messages = await queue.receive({
        maxNumberOfMessages: 10,
        waitTimeSeconds: 1,
        messageSystemAttributeNames: RECEIVE_ATTRIBUTES,
      });
      const answeredAtMs = Date.now();
      if (messages.length === 0) {
        await sleep(20);
        continue;
      }
      const byGroup = new Map<string, Delivery>();
      for (const message of messages) {
        const group = groupOf(message.body);
        let delivery = byGroup.get(group);
        if (delivery === undefined) {
          delivery = {
            consumer,
            group,
            indices: [],
            receiveCounts: [],
            sequenceNumbers: [],
            groupIds: [],
            requestedAtMs,
            answeredAtMs,
            deleted: new Set(),
          };
          byGroup.set(group, delivery);
        }
        delivery.indices.push(indexOf(message.body));
        delivery.receiveCounts.push(message.attributes.ApproximateReceiveCount ?? '');
        delivery.sequenceNumbers.push(message.attributes.SequenceNumber ?? '');
        delivery.groupIds.push(message.attributes.MessageGroupId ?? '');
      }
      outcome.deliveries.push(...byGroup.values());
      if (random() < workload.crashRate) continue;

      const deleteRequestedAtMs = Date.now();
      for (const delivery of byGroup.values()) delivery.deleteRequestedAtMs = deleteRequestedAtMs;
      const result = await queue.deleteBatch(
        messages.map((message, i) => ({ id: `d${i}`, receiptHandle: message.receiptHandle })),
      );
      outcome.deleteFailures.push(...result.failed);
      for (const entry of result.successful) {
        const body = messages[Number(entry.id.slice(1))]?.body ?? '';
        byGroup.get(groupOf(body))?.deleted.add(indexOf(body));
        outcome.deletes.set(body, (outcome.deletes.get(body) ?? 0) + 1);
      }
    }
  };
  await Promise.all(range(workload.consumers).map(consumer));
  return outcome;
}

/** What {@link runWorkload} returns: the queue, each group's SequenceNumbers by position, and the outcome. */
export interface WorkloadRun extends Outcome {
  readonly queue: TestQueue;
  readonly sequenceNumbers: Map<string, (string | undefined)[]>;
}

/** Creates a FIFO queue (JSON protocol) and runs senders and consumers on it at the same time. */
export async function runWorkload(workload: Workload): Promise<WorkloadRun> {
  const queue = await createFifoQueue('json', {
    VisibilityTimeout: String(workload.visibilityTimeoutSeconds),
  });
  const stop = { stopped: false };
  try {
    const [sequenceNumbers, outcome] = await Promise.all([
      sendAll(queue, workload),
      consumeAll(queue, workload, stop),
    ]);
    return { queue, sequenceNumbers, ...outcome };
  } finally {
    stop.stopped = true;
  }
}

function byGroup(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const groups = new Map<string, Delivery[]>();
  for (const delivery of deliveries)
    groups.set(delivery.group, [...(groups.get(delivery.group) ?? []), delivery]);
  for (const list of groups.values()) list.sort((a, b) => a.answeredAtMs - b.answeredAtMs);
  return groups;
}

/**
 * Times at which two consumers certainly held the same group. A consumer certainly holds a group from
 * the moment its receive answered until it asked to delete, or until the visibility timeout counted
 * from its request ran out, whichever is first; the server granted the group after the request and
 * released it no earlier than either.
 */
export function lockViolations(deliveries: readonly Delivery[], visibilityTimeoutMs: number): string[] {
  const violations: string[] = [];
  for (const [group, list] of byGroup(deliveries)) {
    let heldUntilMs = Number.NEGATIVE_INFINITY;
    let holder: Delivery | undefined;
    for (const delivery of list) {
      if (holder !== undefined && delivery.answeredAtMs < heldUntilMs) {
        violations.push(
          `${group}: consumer ${delivery.consumer} got [${delivery.indices}] at ${delivery.answeredAtMs} while ` +
            `consumer ${holder.consumer} held [${holder.indices}] until ${heldUntilMs}`,
        );
      }
      const endMs = Math.min(
        delivery.deleteRequestedAtMs ?? Number.POSITIVE_INFINITY,
        delivery.requestedAtMs + visibilityTimeoutMs,
      );
      if (endMs > heldUntilMs) {
        heldUntilMs = endMs;
        holder = delivery;
      }
    }
  }
  return violations;
}

/**
 * Deliveries that break FIFO order: each must be the group's oldest undeleted messages, in order, with
 * ApproximateReceiveCount one more than the times each was delivered before, and the SequenceNumber and
 * MessageGroupId it was sent with. A delete that succeeded was processed before the group passed to the
 * next consumer, so "deleted before" means a successful delete requested before the next receive answered.
 */
export function orderViolations(
  deliveries: readonly Delivery[],
  workload: Workload,
  sequenceNumbers: Map<string, (string | undefined)[]>,
): string[] {
  const violations: string[] = [];
  for (const [group, list] of byGroup(deliveries)) {
    const timesDelivered = new Array<number>(workload.perGroup).fill(0);
    for (const delivery of list) {
      const deletedBefore = new Set<number>();
      for (const earlier of list) {
        if (earlier === delivery || earlier.deleteRequestedAtMs === undefined) continue;
        if (earlier.deleteRequestedAtMs < delivery.answeredAtMs)
          for (const i of earlier.deleted) deletedBefore.add(i);
      }
      const oldest = range(workload.perGroup)
        .filter((i) => !deletedBefore.has(i))
        .slice(0, delivery.indices.length);
      if (oldest.join() !== delivery.indices.join()) {
        violations.push(`${group}: got [${delivery.indices}], but the oldest undeleted were [${oldest}]`);
      }
      delivery.indices.forEach((index, j) => {
        timesDelivered[index] = (timesDelivered[index] ?? 0) + 1;
        if (delivery.receiveCounts[j] !== String(timesDelivered[index])) {
          violations.push(
            `${group}-${index}: ApproximateReceiveCount ${delivery.receiveCounts[j]}, delivery ${timesDelivered[index]}`,
          );
        }
        if (delivery.sequenceNumbers[j] !== sequenceNumbers.get(group)?.[index]) {
          violations.push(`${group}-${index}: SequenceNumber differs from the one SendMessageBatch returned`);
        }
        if (delivery.groupIds[j] !== group)
          violations.push(`${group}-${index}: MessageGroupId ${delivery.groupIds[j]}`);
      });
    }
  }
  return violations;
}

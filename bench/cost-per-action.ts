import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import { createQueue, SqsTarget } from './sqs-target.js';
import { type Action, BodyFactory, type QueueTarget, type Received } from './workload.js';

/** DynamoDB work of one action, per message it handled. */
export interface ActionCost {
  readonly callsPerMessage: number;
  readonly wcuPerMessage: number;
  readonly rcuPerMessage: number;
  readonly failedConditionalWritesPerMessage: number;
}

export type LifecycleCost = Record<Action | 'lifecycle', ActionCost>;

/** Messages waiting in a Standard queue while measuring, so receives see a head like the one under load. */
const BACKLOG = 200;

/** A queue to measure: the target that drives it, and how to put its backlog in place first. */
export interface CostQueue<M extends Received> {
  readonly target: QueueTarget<M>;
  fill(bodies: BodyFactory): Promise<void>;
}

/** A Standard queue with a backlog of 200 messages. */
export async function standardCostQueue(
  client: SQSClient,
  queueName: string,
  batchSize: number,
): Promise<CostQueue<Received>> {
  const queueUrl = await createQueue(client, queueName);
  return {
    target: new SqsTarget(client, queueUrl, batchSize),
    fill: async (bodies) => {
      for (let sent = 0; sent < BACKLOG; sent += 10)
        await new SqsTarget(client, queueUrl, 10).send(bodies.next(10));
    },
  };
}

/**
 * Sends, receives and deletes `rounds` batches one call at a time with nothing else running, reading the
 * service's meter around each call: which action spends which units, free of contention. `capacity` reads
 * that meter (in the server process, over IPC); nothing else runs between the reads, so they are exact.
 */
export async function measureCostPerAction<M extends Received>(
  capacity: () => Promise<CapacitySnapshot>,
  queue: CostQueue<M>,
  batchSize: number,
  rounds: number,
): Promise<LifecycleCost> {
  const { target } = queue;
  const bodies = new BodyFactory();
  await queue.fill(bodies);

  const totals: Record<Action, CapacitySnapshot> = { send: ZERO, receive: ZERO, delete: ZERO };
  const messages: Record<Action, number> = { send: 0, receive: 0, delete: 0 };
  const book = async <T>(
    action: Action,
    call: () => Promise<T>,
    count: (result: T) => number,
  ): Promise<T> => {
    const before = await capacity();
    const result = await call();
    totals[action] = add(totals[action], subtract(await capacity(), before));
    messages[action] += count(result);
    return result;
  };
  for (let round = 0; round < rounds; round++) {
    const batch = bodies.next(batchSize);
    await book(
      'send',
      () => target.send(batch, 0),
      () => batch.length,
    );
    const received = await book(
      'receive',
      () => target.receive(batchSize),
      (r) => r.length,
    );
    if (received.length)
      await book(
        'delete',
        () => target.delete(received),
        () => received.length,
      );
  }

  const lifecycles = messages.delete;
  return {
    send: perMessage(totals.send, messages.send),
    receive: perMessage(totals.receive, messages.receive),
    delete: perMessage(totals.delete, messages.delete),
    lifecycle: perMessage(
      add(
        add(
          scale(totals.send, lifecycles / messages.send),
          scale(totals.receive, lifecycles / messages.receive),
        ),
        totals.delete,
      ),
      lifecycles,
    ),
  };
}

/** No DynamoDB work: the start of a sum. */
export const ZERO: CapacitySnapshot = { writeUnits: 0, readUnits: 0, failedConditionalWrites: 0, calls: 0 };

/** `c` divided by the `n` messages it handled. */
export function perMessage(c: CapacitySnapshot, n: number): ActionCost {
  return {
    callsPerMessage: c.calls / n,
    wcuPerMessage: c.writeUnits / n,
    rcuPerMessage: c.readUnits / n,
    failedConditionalWritesPerMessage: c.failedConditionalWrites / n,
  };
}

export function add(a: CapacitySnapshot, b: CapacitySnapshot): CapacitySnapshot {
  return {
    writeUnits: a.writeUnits + b.writeUnits,
    readUnits: a.readUnits + b.readUnits,
    failedConditionalWrites: a.failedConditionalWrites + b.failedConditionalWrites,
    calls: a.calls + b.calls,
  };
}

export function subtract(a: CapacitySnapshot, b: CapacitySnapshot): CapacitySnapshot {
  return add(a, scale(b, -1));
}

export function scale(a: CapacitySnapshot, f: number): CapacitySnapshot {
  return {
    writeUnits: a.writeUnits * f,
    readUnits: a.readUnits * f,
    failedConditionalWrites: a.failedConditionalWrites * f,
    calls: a.calls * f,
  };
}

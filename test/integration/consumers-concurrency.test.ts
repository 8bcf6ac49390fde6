import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Invoker } from '../../lambda/consumers/ports.js';
import type { SqsRecord } from '../../lambda/consumers/sqs-event.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { pollUntil, sleep } from '../helpers/poll.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

const MAX_RECEIVE_COUNT = 3;
const MESSAGES = 100;

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

/**
 * Every 5th message fails its first delivery (20%); every 10th, the last of its FIFO group, always fails (poison).
 * In a FIFO group the records behind a failure come back with it and their receive counts grow too, so a poison
 * message anywhere but last would take the rest of its group to the dead-letter queue, as it would on AWS.
 */
const failsFirst = (index: number) => index % 5 === 0;
const isPoison = (index: number) => index % 10 === 9;
const indexOf = (body: string) => Number(body.split('-').at(-1));

interface Delivery {
  readonly messageId: string;
  readonly body: string;
  readonly ok: boolean;
}

/** A handler that processes records in order, reports failures, and stops a FIFO group at its first failure. */
function recordingHandler(fifo: boolean) {
  const deliveries: Delivery[] = [];
  const seen = new Map<string, number>();
  let running = 0;
  let maxRunning = 0;
  const invoker: Invoker = async (event) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await sleep(30);
    const failures: { itemIdentifier: string }[] = [];
    const stopped = new Set<string>();
    for (const record of event.Records as readonly SqsRecord[]) {
      const { messageId, body } = record;
      const group = record.attributes.MessageGroupId ?? '';
      const index = indexOf(body);
      if (fifo && stopped.has(group)) {
        // Not processed: a FIFO handler stops its group at the first failure, and reports the rest as failed.
        failures.push({ itemIdentifier: messageId });
        continue;
      }
      const attempt = (seen.get(messageId) ?? 0) + 1;
      seen.set(messageId, attempt);
      const ok = !isPoison(index) && !(failsFirst(index) && attempt === 1);
      deliveries.push({ messageId, body, ok });
      if (!ok) {
        failures.push({ itemIdentifier: messageId });
        stopped.add(group);
      }
    }
    running -= 1;
    return { kind: 'returned', payload: { batchItemFailures: failures } };
  };
  return { invoker, deliveries, maxRunning: () => maxRunning };
}

async function sendAll(url: string, bodies: readonly string[], fifoGroup?: (index: number) => string) {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies.slice(start, start + 10).map((body, offset) => ({
      Id: String(offset),
      MessageBody: body,
      ...(fifoGroup ? { MessageGroupId: fifoGroup(start + offset), MessageDeduplicationId: body } : {}),
    }));
    const result = await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(result.Failed ?? []).toEqual([]);
  }
}

async function drainDeadLetterQueue(url: string, expected: number): Promise<string[]> {
  const bodies = new Set<string>();
  await pollUntil(
    async () => {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      for (const message of Messages) bodies.add(message.Body ?? '');
      return bodies.size >= expected;
    },
    60_000,
    200,
  );
  return [...bodies].sort();
}

async function createPair(fifo: boolean): Promise<{ name: string; url: string; dlqUrl: string }> {
  // A FIFO failure holds its group for a visibility timeout, and failures in a group come one after another.
  const suffix = fifo ? '.fifo' : '';
  const name = `${uniqueQueueName('conc')}${suffix}`;
  const dlqName = `${uniqueQueueName('conc-dlq')}${suffix}`;
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  await stack.createQueue(dlqName, fifoAttributes);
  const url = await stack.createQueue(name, {
    ...fifoAttributes,
    VisibilityTimeout: fifo ? '4' : '8',
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${dlqName}`,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  });
  return { name, url, dlqUrl: url.replace(name, dlqName) };
}

describe.each([false, true])('8 concurrent invocations, 20%% of records failing (FIFO %s)', (fifo) => {
  it('processes every record once, retries only the failed ones, and moves poison records to the dead-letter queue', async () => {
    const { name, url, dlqUrl } = await createPair(fifo);
    const count = fifo ? MESSAGES / 2 : MESSAGES;
    const bodies = Array.from({ length: count }, (_, index) => `m-${index}`);
    const poison = bodies.filter((body) => isPoison(indexOf(body)));
    const handler = recordingHandler(fifo);
    stack.consume(
      { queueName: name, batchSize: fifo ? 10 : 5, maxConcurrency: 8, reportBatchItemFailures: true },
      handler.invoker,
    );
    const groupOf = (index: number) => `g-${Math.floor(index / 10)}`;

    await sendAll(url, bodies, fifo ? groupOf : undefined);
    await pollUntil(
      async () =>
        new Set(handler.deliveries.filter((delivery) => delivery.ok).map((d) => d.body)).size >=
        count - poison.length,
      100_000,
      100,
    );
    const deadLetters = await drainDeadLetterQueue(dlqUrl, poison.length);

    const succeeded = handler.deliveries.filter((delivery) => delivery.ok).map((delivery) => delivery.body);
    // A send retried by the SDK after a lost answer is a second message with the same body (at least once).
    expect([...new Set(succeeded)].sort()).toEqual(bodies.filter((body) => !poison.includes(body)).sort());
    expect([...new Set(deadLetters)]).toEqual([...poison].sort());
    // Only kept records come back: each redelivery follows an invocation that kept the message (the handler
    // failed it, or, on a machine slow enough, its delete or visibility extension failed). A failed delivery
    // is always followed by another, or by the dead-letter queue.
    const keptCounts = new Map<string, number>();
    for (const report of stack.invocations) {
      for (const id of report.keptMessageIds) keptCounts.set(id, (keptCounts.get(id) ?? 0) + 1);
    }
    for (const messageId of new Set(handler.deliveries.map((delivery) => delivery.messageId))) {
      const mine = handler.deliveries.filter((delivery) => delivery.messageId === messageId);
      const body = mine[0]?.body ?? '';
      expect(mine.length - 1, body).toBeLessThanOrEqual(keptCounts.get(messageId) ?? 0);
      if (isPoison(indexOf(body))) {
        // A receive whose claim was withheld counts without a delivery: at most maxReceiveCount deliveries.
        expect(mine.every((delivery) => !delivery.ok)).toBe(true);
        expect(mine.length, body).toBeLessThanOrEqual(MAX_RECEIVE_COUNT);
      } else if (failsFirst(indexOf(body)))
        expect(
          mine.slice(0, 2).map((delivery) => delivery.ok),
          body,
        ).toEqual([false, true]);
      else expect(mine[0]?.ok, body).toBe(true);
    }
    expect(handler.maxRunning()).toBeLessThanOrEqual(8);
    expect(handler.maxRunning()).toBeGreaterThan(1);
    if (fifo) {
      for (let group = 0; group < 5; group += 1) {
        const order = succeeded.filter((body) => groupOf(indexOf(body)) === `g-${group}`).map(indexOf);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import { bodyOf, createFifoQueue, isStrictlyIncreasing, receiveAndDeleteAll } from '../helpers/fifo.js';
import {
  groupName,
  lockViolations,
  orderViolations,
  range,
  runWorkload,
  type Workload,
} from '../helpers/fifo-workload.js';
import { pollFor } from '../helpers/poll.js';
import type { SendResult } from '../helpers/sqs-api.js';
import type { TestQueue } from '../helpers/test-queue.js';

const CONSUMERS = 8;
const SENDERS = 8;
const COMMON = { senders: SENDERS, consumers: CONSUMERS, deadlineMs: 140_000 } as const;
/** The workload: 50 groups of 100 messages, consumers deleting well within the timeout. */
const STEADY: Workload = { ...COMMON, groups: 50, perGroup: 100, visibilityTimeoutSeconds: 30, crashRate: 0 };
/** Smaller, because every crash parks its group for a whole visibility timeout. */
const CRASHING: Workload = {
  ...COMMON,
  groups: 25,
  perGroup: 40,
  visibilityTimeoutSeconds: 2,
  crashRate: 0.15,
};

function expectAllSentAndIncreasing(
  sequenceNumbers: Map<string, (string | undefined)[]>,
  workload: Workload,
) {
  const notIncreasing = [...sequenceNumbers]
    .filter(([, numbers]) => numbers.length !== workload.perGroup || !isStrictlyIncreasing(numbers))
    .map(([group]) => group);
  expect(sequenceNumbers.size).toBe(workload.groups);
  expect(notIncreasing).toEqual([]);
}

function expectEachDeletedOnce(deletes: Map<string, number>, workload: Workload) {
  const expected = range(workload.groups).flatMap((g) =>
    range(workload.perGroup).map((i) => bodyOf(groupName(g), i)),
  );
  const sent = new Set(expected);
  const missing = expected.filter((body) => !deletes.has(body));
  const strangers = [...deletes.keys()].filter((body) => !sent.has(body));
  const twice = [...deletes].filter(([, count]) => count !== 1).map(([body]) => body);
  expect(missing).toEqual([]);
  expect(strangers).toEqual([]);
  expect(twice).toEqual([]);
}

async function expectEmpty(queue: TestQueue) {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'];
  const counts = await pollFor(
    () => queue.getAttributes(names),
    (now) => names.every((name) => now[name] === '0'),
  );
  expect(counts).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
}

describe('FIFO queues under concurrency over json', () => {
  it(`${CONSUMERS} consumers drain ${STEADY.groups} groups x ${STEADY.perGroup}: in order, one holder per group, each message once`, async () => {
    const { queue, sequenceNumbers, deliveries, deletes, deleteFailures } = await runWorkload(STEADY);

    expectAllSentAndIncreasing(sequenceNumbers, STEADY);
    expectEachDeletedOnce(deletes, STEADY);
    expect(deleteFailures).toEqual([]);
    expect(deliveries.reduce((sum, d) => sum + d.indices.length, 0)).toBe(STEADY.groups * STEADY.perGroup);
    expect(lockViolations(deliveries, STEADY.visibilityTimeoutSeconds * 1000).slice(0, 10)).toEqual([]);
    expect(orderViolations(deliveries, STEADY, sequenceNumbers).slice(0, 10)).toEqual([]);
    await expectEmpty(queue);
  }, 200_000);

  it(`keeps order and loses nothing when consumers crash (${CRASHING.groups} groups x ${CRASHING.perGroup}, ${CRASHING.visibilityTimeoutSeconds} s timeout)`, async () => {
    const { queue, sequenceNumbers, deliveries, deletes } = await runWorkload(CRASHING);

    const crashes = deliveries.filter((d) => d.deleteRequestedAtMs === undefined).length;
    const redelivered = deliveries.filter((d) => d.receiveCounts.some((count) => count !== '1')).length;
    expectAllSentAndIncreasing(sequenceNumbers, CRASHING);
    expectEachDeletedOnce(deletes, CRASHING);
    expect(crashes).toBeGreaterThan(0);
    expect(redelivered).toBeGreaterThan(0);
    expect(lockViolations(deliveries, CRASHING.visibilityTimeoutSeconds * 1000).slice(0, 10)).toEqual([]);
    expect(orderViolations(deliveries, CRASHING, sequenceNumbers).slice(0, 10)).toEqual([]);
    await expectEmpty(queue);
  }, 200_000);

  it(`${SENDERS} concurrent senders of one deduplication id enqueue one message and all get its MessageId`, async () => {
    const queue = await createFifoQueue('json');
    const rounds = 20;

    const results: SendResult[][] = [];
    for (let round = 0; round < rounds; round++) {
      const options = { messageGroupId: 'g', messageDeduplicationId: `dedup-${round}` };
      // Half send alone, half as a one-entry batch: both paths must see one another's claim.
      const sends = range(SENDERS).map(async (s): Promise<SendResult> => {
        if (s % 2 === 0) return queue.send(`round-${round}`, options);
        const batch = await queue.sendBatch([{ id: 'only', body: `round-${round}`, ...options }]);
        if (batch.successful[0] === undefined)
          throw new Error(`batch send failed: ${JSON.stringify(batch.failed)}`);
        return batch.successful[0];
      });
      results.push(await Promise.all(sends));
    }
    const received = await receiveAndDeleteAll(queue, rounds);

    const roundsWithSeveralIds = results.filter((r) => new Set(r.map((s) => s.messageId)).size !== 1);
    const roundsWithSeveralSequenceNumbers = results.filter(
      (r) => new Set(r.map((s) => s.sequenceNumber)).size !== 1,
    );
    expect(roundsWithSeveralIds).toEqual([]);
    expect(roundsWithSeveralSequenceNumbers).toEqual([]);
    expect(received.map((m) => m.body)).toEqual(range(rounds).map((round) => `round-${round}`));
    expect(received.map((m) => m.messageId)).toEqual(results.map((r) => r[0]?.messageId));
    await expectEmpty(queue);
    expect(await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 })).toEqual([]);
  }, 60_000);
});

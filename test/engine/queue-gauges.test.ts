import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lambda/engine/clock.js';
import { type QueueGauge, QueueGauges } from '../../lambda/engine/queue-gauges.js';
import type { MessageCounts, QueueRecord, QueueRecordPage, Store } from '../../lambda/storage/store.js';

const START_MS = 1_700_000_000_000;

function queueRecord(name: string): QueueRecord {
  return {
    name,
    id: `id-${name}`,
    attributes: { MessageRetentionPeriod: '345600' },
    tags: {},
    createdMs: START_MS,
    modifiedMs: START_MS,
    epoch: 0,
    shards: 4,
  };
}

/**
 * A store with `count` queues named q000, q001, ...: each count takes `countMs` of fake time, and a queue's
 * oldest message entered the queue 90.5 s before the count (none for odd-numbered queues).
 */
function fakeStore(count: number, clock: { nowMs: number }, countMs: number) {
  const names = Array.from({ length: count }, (_, i) => `q${String(i).padStart(3, '0')}`);
  const store = {
    async listQueueRecords({
      limit,
      afterName,
    }: {
      limit: number;
      afterName?: string;
    }): Promise<QueueRecordPage> {
      const rest = names.filter((name) => afterName === undefined || name > afterName);
      const page = rest.slice(0, limit);
      return {
        records: page.map(queueRecord),
        ...(rest.length > limit ? { lastName: page[page.length - 1] } : {}),
      };
    },
    async countMessages(queue: QueueRecord): Promise<MessageCounts> {
      const countedAtMs = clock.nowMs;
      clock.nowMs += countMs;
      const odd = Number(queue.name.slice(1)) % 2 === 1;
      return { visible: 3, inflight: 2, delayed: 1, ...(odd ? {} : { oldestMs: countedAtMs - 90_500 }) };
    },
  };
  return store as unknown as Store;
}

function gaugesFor(count: number, countMs: number) {
  const time = { nowMs: START_MS };
  const clock: Clock = { nowMs: () => time.nowMs };
  return { gauges: new QueueGauges({ store: fakeStore(count, time, countMs), clock }), time };
}

describe('QueueGauges', () => {
  it('measures every queue, over several pages of queue records', async () => {
    const { gauges } = gaugesFor(250, 0);
    const seen: QueueGauge[] = [];

    const pass = await gauges.measure({ untilMs: START_MS + 1, onGauge: (g) => seen.push(g) });

    expect(pass).toEqual({ measured: 250, complete: true });
    expect(new Set(seen.map((g) => g.queueName)).size).toBe(250);
    expect(seen[0]).toEqual({
      queueName: 'q000',
      visible: 3,
      inflight: 2,
      delayed: 1,
      ageOfOldestMessageSeconds: 90,
    });
    expect(seen[1]).not.toHaveProperty('ageOfOldestMessageSeconds');
  });

  it('starts no queue after the deadline, and the next pass carries on after the last one measured', async () => {
    const { gauges, time } = gaugesFor(20, 100);
    const first: string[] = [];
    const second: string[] = [];

    const stopped = await gauges.measure({
      untilMs: START_MS + 1_000,
      onGauge: (g) => first.push(g.queueName),
    });
    const resumed = await gauges.measure({
      untilMs: time.nowMs + 60_000,
      ...(stopped.stoppedAfter !== undefined ? { afterName: stopped.stoppedAfter } : {}),
      onGauge: (g) => second.push(g.queueName),
    });

    expect(stopped.complete).toBe(false);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(20);
    expect(stopped.stoppedAfter).toBe(first[first.length - 1]);
    expect(resumed.complete).toBe(true);
    expect([...first, ...second]).toEqual(
      Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(3, '0')}`),
    );
  });

  it('measures nothing when the deadline has already passed', async () => {
    const { gauges } = gaugesFor(5, 0);
    const seen: QueueGauge[] = [];

    const pass = await gauges.measure({ untilMs: START_MS, onGauge: (g) => seen.push(g) });

    expect(pass).toEqual({ measured: 0, complete: false });
    expect(seen).toEqual([]);
  });
});

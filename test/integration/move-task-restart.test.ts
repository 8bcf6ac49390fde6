import { afterEach, describe, expect, it } from 'vitest';
import {
  deadLetterAll,
  distinct,
  redrivePolicy,
  visibleCount,
  waitForMoveTask,
} from '../helpers/dead-letter.js';
import { createJsonApi } from '../helpers/json-api.js';
import { createJsonClient } from '../helpers/json-client.js';
import { pollFor, sleep } from '../helpers/poll.js';
import { createQueryApi } from '../helpers/query-api.js';
import { QueryClient } from '../helpers/query-client.js';
import { startTestServer, type TestServer, uniqueTableName } from '../helpers/server.js';
import type { MessageMoveTask, Protocol, SqsApi } from '../helpers/sqs-api.js';
import { bindQueue, PROTOCOLS, type TestQueue, uniqueQueueName } from '../helpers/test-queue.js';

/** A server on `tableName`, with one client per protocol. */
interface Running {
  readonly server: TestServer;
  readonly apis: Readonly<Record<Protocol, SqsApi>>;
  stop(): Promise<void>;
}

async function startServer(tableName: string): Promise<Running> {
  const server = await startTestServer({ tableName });
  const sqs = createJsonClient(server.url);
  let stopping: Promise<void> | undefined;
  return {
    server,
    apis: { json: createJsonApi(sqs), query: createQueryApi(new QueryClient(server.url)) },
    stop: () => {
      stopping ??= (async () => {
        sqs.destroy();
        await server.close();
      })();
      return stopping;
    },
  };
}

/** One protocol's queues, by name: they outlive the server, their URLs and ARNs too. */
interface QueueNames {
  readonly source: string;
  readonly dlq: string;
  readonly destination: string;
}

interface Queues {
  readonly source: TestQueue;
  readonly dlq: TestQueue;
  readonly destination: TestQueue;
}

async function bindAll(api: SqsApi, names: QueueNames): Promise<Queues> {
  const bind = async (name: string): Promise<TestQueue> => bindQueue(api, name, await api.getQueueUrl(name));
  return {
    source: await bind(names.source),
    dlq: await bind(names.dlq),
    destination: await bind(names.destination),
  };
}

const COUNT = 20;
const RATE = 4;
const BODIES = Array.from({ length: COUNT }, (_, i) => `redrive me ${i}`);

/**
 * A source queue, its dead-letter queue holding {@link COUNT} messages, and a destination; then a task moving
 * them at {@link RATE} per second, waited on until it has moved a second's worth. Returns the names and the task.
 */
async function startTaskPartWay(
  api: SqsApi,
): Promise<{ names: QueueNames; task: MessageMoveTask; handle: string }> {
  const names = {
    source: uniqueQueueName('src'),
    dlq: uniqueQueueName('dlq'),
    destination: uniqueQueueName('dst'),
  };
  const dlq = bindQueue(api, names.dlq, await api.createQueue(names.dlq, {}));
  await api.createQueue(names.source, { RedrivePolicy: redrivePolicy(dlq.arn, 1) });
  await api.createQueue(names.destination, {});
  const { source, destination } = await bindAll(api, names);
  for (let i = 0; i < COUNT; i += 10) {
    const entries = BODIES.slice(i, i + 10).map((body, j) => ({ id: `m${j}`, body }));
    expect((await source.sendBatch(entries)).failed).toEqual([]);
  }
  await deadLetterAll({ source, dlq }, COUNT);
  const handle = await api.startMessageMoveTask(dlq.arn, {
    destinationArn: destination.arn,
    maxNumberOfMessagesPerSecond: RATE,
  });
  const task = await pollFor(
    async () => (await api.listMessageMoveTasks(dlq.arn))[0],
    (latest) => (latest?.approximateNumberOfMessagesMoved ?? 0) >= RATE,
    20_000,
    200,
  );
  if (!task) throw new Error('no task listed');
  return { names, task, handle };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Message move task across a server restart', () => {
  it('carries on where it was after the server stops mid-task and starts again on the same table', async () => {
    const tableName = uniqueTableName();
    let running = await startServer(tableName);
    cleanups.push(() => running.stop());
    const started = {
      json: await startTaskPartWay(running.apis.json),
      query: await startTaskPartWay(running.apis.query),
    };

    await running.stop();
    running = await startServer(tableName);

    for (const protocol of PROTOCOLS) {
      const { names, task: beforeStop, handle } = started[protocol];
      const { dlq, destination, source } = await bindAll(running.apis[protocol], names);
      const finished = await waitForMoveTask(dlq, ['COMPLETED', 'CANCELLED', 'FAILED'], 30_000);
      const moved = await destination.receiveAll(COUNT);
      const late = await destination.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

      expect(beforeStop).toMatchObject({ status: 'RUNNING', taskHandle: handle });
      expect(beforeStop.approximateNumberOfMessagesMoved).toBeLessThan(COUNT);
      expect(finished).toMatchObject({
        status: 'COMPLETED',
        approximateNumberOfMessagesMoved: COUNT,
        approximateNumberOfMessagesToMove: COUNT,
        startedTimestamp: beforeStop.startedTimestamp,
      });
      expect(
        distinct(moved)
          .map((m) => m.body)
          .sort(),
      ).toEqual([...BODIES].sort());
      expect(late).toEqual([]);
      expect(await visibleCount(dlq)).toBe(0);
      expect(await visibleCount(source)).toBe(0);
    }
  }, 120_000);

  it('lets the restarted server cancel the task with the handle the first one gave', async () => {
    const tableName = uniqueTableName();
    let running = await startServer(tableName);
    cleanups.push(() => running.stop());
    const started = {
      json: await startTaskPartWay(running.apis.json),
      query: await startTaskPartWay(running.apis.query),
    };

    await running.stop();
    running = await startServer(tableName);
    for (const protocol of PROTOCOLS)
      await running.apis[protocol].cancelMessageMoveTask(started[protocol].handle);

    for (const protocol of PROTOCOLS) {
      const { dlq, destination } = await bindAll(running.apis[protocol], started[protocol].names);
      const cancelled = await waitForMoveTask(dlq, ['CANCELLED', 'COMPLETED', 'FAILED'], 30_000);
      // Stopped: at 4 messages a second, another second moves nothing more.
      await sleep(1_000);
      const moved = await destination.receiveAll(cancelled.approximateNumberOfMessagesMoved);
      const late = await destination.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });

      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.approximateNumberOfMessagesMoved).toBeLessThan(COUNT);
      expect(distinct(moved)).toHaveLength(cancelled.approximateNumberOfMessagesMoved);
      expect(late).toEqual([]);
      expect(await visibleCount(dlq)).toBe(COUNT - cancelled.approximateNumberOfMessagesMoved);
    }
  }, 120_000);
});

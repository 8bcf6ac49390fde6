import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundHandler } from '../../lambda/entries/background.js';
import { ConsoleClient, queuePath } from '../helpers/console-client.js';
import { createJsonApi } from '../helpers/json-api.js';
import { createJsonClient } from '../helpers/json-client.js';
import { pollFor } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bindQueue, uniqueQueueName } from '../helpers/test-queue.js';

type Sample = { atMs: number; sent: number; received: number; deleted: number; visible?: number };

function totals(samples: Sample[]) {
  return samples.reduce(
    (sum, s) => ({
      sent: sum.sent + s.sent,
      received: sum.received + s.received,
      deleted: sum.deleted + s.deleted,
    }),
    { sent: 0, received: 0, deleted: 0 },
  );
}

async function trafficOn(server: TestServer) {
  const sqs = createJsonClient(server.url);
  const api = createJsonApi(sqs);
  const name = uniqueQueueName('hist');
  const queue = bindQueue(api, name, await api.createQueue(name));
  await queue.sendBatch(Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, body: `m${i}` })));
  const received = await queue.receiveAll(3, { maxNumberOfMessages: 3 });
  for (const message of received.slice(0, 2)) await queue.delete(message.receiptHandle);
  return { queue, close: () => sqs.destroy() };
}

describe('console history, kept by the server (npm start)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts sends, receives and deletes per minute, and the depth the server measures', async () => {
    const console = new ConsoleClient(server.url);
    const { queue, close } = await trafficOn(server);
    await server.service.consoleHistory.recordDepth({
      queueName: queue.name,
      visible: 2,
      inflight: 1,
      delayed: 0,
    });

    const history = await console.get(queuePath(queue.name, '/history'));
    close();

    expect(history.status).toBe(200);
    expect(history.json.intervalSeconds).toBe(60);
    const samples = history.json.samples as Sample[];
    expect(totals(samples)).toEqual({ sent: 5, received: 3, deleted: 2 });
    expect(samples.at(-1)).toMatchObject({ visible: 2, inFlight: 1, delayed: 0 });
    expect(samples.at(-1)?.atMs).toBeLessThanOrEqual(Date.now());
  });

  it('answers QueueDoesNotExist for a queue that does not exist', async () => {
    const console = new ConsoleClient(server.url);

    const history = await console.get(queuePath('no-such-queue', '/history'));

    expect(history.status).toBe(400);
  });
});

describe('console history in the table (AWS: request function and background job)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // As the Lambda functions run: no in-process move tasks, history in the table.
    server = await startTestServer({ runMoveTasks: false });
  });
  afterAll(() => server.close());

  it('shows the counts the request path wrote and the depth the background job recorded', async () => {
    const console = new ConsoleClient(server.url);
    const { queue, close } = await trafficOn(server);
    const runBackground = createBackgroundHandler({ createService: async () => server.service });

    await runBackground({}, { getRemainingTimeInMillis: () => 60_000 });
    // Counts are written at most every 10 s per process; a Lambda container's last ones when the minute turns.
    await server.service.consoleHistory.stop();
    const history = await pollFor(
      () => console.get(queuePath(queue.name, '/history')),
      (page) => totals(page.json.samples as Sample[]).sent === 5,
    );
    close();

    const samples = history.json.samples as Sample[];
    expect(totals(samples)).toEqual({ sent: 5, received: 3, deleted: 2 });
    expect(samples.at(-1)).toMatchObject({ visible: 2, inFlight: 1, delayed: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkQueueWorks,
  createHostileQueues,
  type HostileQueues,
  PROTOCOLS,
  randomHostileCase,
  seededRandom,
  sendRaw,
} from '../helpers/hostile-cases.js';
import { startTestServer, TEST_ACCOUNT_ID, TEST_REGION, type TestServer } from '../helpers/server.js';

/** Fixed, so a failure repeats; bench/hostile-input.ts runs other seeds and longer. */
const SEED = 10;
const BUDGET_MS = 15_000;
const MAX_CASES = 1_500;

let server: TestServer;
let queues: HostileQueues;

beforeAll(async () => {
  server = await startTestServer({ auth: false });
  queues = await createHostileQueues(server.url, TEST_ACCOUNT_ID, TEST_REGION);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('a seeded fuzz of hostile requests over both protocols', () => {
  it('answers every request within 10 s with a well-formed answer below 500, and leaves the queues usable', async () => {
    const random = seededRandom(SEED);
    const deadline = Date.now() + BUDGET_MS;
    const wrong: string[] = [];
    let sent = 0;

    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < deadline && sent < MAX_CASES) {
          sent++;
          const { protocol, request, label } = randomHostileCase(random, queues);
          const answer = await sendRaw(server.url, protocol, request, 10_000);
          if (answer.hung || answer.status >= 500 || !answer.wellFormed) {
            wrong.push(`${label}: ${answer.hung ? 'hung' : answer.status} ${answer.body.slice(0, 160)}`);
          }
        }
      }),
    );
    const problems: string[] = [];
    for (const protocol of PROTOCOLS) {
      problems.push(
        ...(await checkQueueWorks(server.url, protocol, queues.standardUrl, { fifo: false, purge: false })),
      );
      problems.push(
        ...(await checkQueueWorks(server.url, protocol, queues.fifoUrl, { fifo: true, purge: false })),
      );
    }

    expect(sent).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});

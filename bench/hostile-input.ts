/**
 * Sends N seeded hostile requests (test/helpers/hostile-cases.ts) over both protocols to a running service, with
 * valid sends to a queue of its own in between, then checks that the queues it used still work end to end and that
 * every send the service acknowledged can be received. Against `npm start -- --in-memory` (auth off):
 *
 *   npx tsx bench/hostile-input.ts --url http://127.0.0.1:9324 --requests 5000 --seed 1
 */
import { parseArgs as parseNodeArgs } from 'node:util';
import {
  bodiesIn,
  checkQueueWorks,
  type HostileQueues,
  PROTOCOLS,
  randomHostileCase,
  receiptHandlesIn,
  seededRandom,
  sendRaw,
} from '../test/helpers/hostile-cases.js';

const HANG_MS = 30_000;
const CONCURRENCY = 8;
/** One valid, tracked send after this many hostile requests. */
const TRACKED_EVERY = 10;

const { values } = parseNodeArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:9324' },
    requests: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    account: { type: 'string', default: '000000000000' },
    region: { type: 'string', default: 'us-east-1' },
  },
});
const endpoint = values.url;
const total = Number(values.requests);
const seed = Number(values.seed);
const run = `s${seed}-${Date.now().toString(36)}`;
const base = `${endpoint}/${values.account}`;
const queues: HostileQueues = {
  standardUrl: `${base}/hostile-std-${run}`,
  fifoUrl: `${base}/hostile-fifo-${run}.fifo`,
  missingUrl: `${base}/hostile-missing-${run}`,
  arnPrefix: `arn:aws:sqs:${values.region}:${values.account}:`,
};
const trackedUrl = `${base}/hostile-acked-${run}`;

async function main(): Promise<void> {
  for (const params of [
    { QueueName: `hostile-std-${run}` },
    { QueueName: `hostile-fifo-${run}.fifo`, Attributes: { FifoQueue: 'true' } },
    { QueueName: `hostile-acked-${run}`, Attributes: { VisibilityTimeout: '60' } },
  ]) {
    const answer = await sendRaw(endpoint, 'json', { action: 'CreateQueue', params });
    if (answer.status !== 200) throw new Error(`CreateQueue failed: ${answer.status} ${answer.body}`);
  }
  const random = seededRandom(seed);
  const counts = { requests: 0, ok: 0, client: 0, server: 0, hangs: 0, malformed: 0 };
  const serverErrors: string[] = [];
  const acknowledged = new Set<string>();
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const index = next++;
        const { protocol, request, label } = randomHostileCase(random, queues);
        const answer = await sendRaw(endpoint, protocol, request, HANG_MS);
        counts.requests++;
        if (answer.hung) counts.hangs++;
        else if (answer.status >= 500) {
          counts.server++;
          serverErrors.push(`${label}: ${answer.status} ${answer.body.slice(0, 200)}`);
        } else if (answer.status >= 400) counts.client++;
        else counts.ok++;
        if (!answer.hung && !answer.wellFormed) counts.malformed++;
        if (index % TRACKED_EVERY === 0) {
          const body = `acked-${index}`;
          const sent = await sendRaw(
            endpoint,
            protocol,
            { action: 'SendMessage', params: { QueueUrl: trackedUrl, MessageBody: body } },
            HANG_MS,
          );
          if (sent.status === 200) acknowledged.add(body);
        }
      }
    }),
  );
  const elapsedS = (Date.now() - started) / 1000;

  const problems: string[] = [];
  for (const protocol of PROTOCOLS) {
    problems.push(
      ...(await checkQueueWorks(endpoint, protocol, queues.standardUrl, { fifo: false, purge: false })),
    );
    problems.push(
      ...(await checkQueueWorks(endpoint, protocol, queues.fifoUrl, { fifo: true, purge: false })),
    );
  }
  const received = await receiveAll(trackedUrl);
  const lost = [...acknowledged].filter((body) => !received.has(body));

  console.log(`hostile input: seed ${seed}, ${endpoint}, ${elapsedS.toFixed(1)} s`);
  console.log(`requests   ${counts.requests}`);
  console.log(`2xx        ${counts.ok}   (a hostile value in a member the action ignores)`);
  console.log(`4xx        ${counts.client}`);
  console.log(`5xx        ${counts.server}`);
  console.log(`hangs      ${counts.hangs}   (no answer within ${HANG_MS / 1000} s)`);
  console.log(`malformed  ${counts.malformed}   (answers that do not parse as JSON / XML)`);
  console.log(`queues     ${problems.length === 0 ? 'still fully usable' : `${problems.length} problems`}`);
  console.log(`acked      ${acknowledged.size} sends, ${lost.length} lost`);
  for (const line of [...serverErrors.slice(0, 10), ...problems.slice(0, 10), ...lost.slice(0, 10)])
    console.log(`  ${line}`);
  const failed = counts.server + counts.hangs + counts.malformed + problems.length + lost.length > 0;
  process.exitCode = failed ? 1 : 0;
}

/** Receives and deletes everything in a queue until it answers empty twice. */
async function receiveAll(queueUrl: string): Promise<Set<string>> {
  const bodies = new Set<string>();
  let empty = 0;
  while (empty < 2) {
    const answer = await sendRaw(endpoint, 'json', {
      action: 'ReceiveMessage',
      params: { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 },
    });
    const got = bodiesIn('json', answer.body);
    if (got.length === 0) empty++;
    for (const body of got) bodies.add(body);
    const entries = receiptHandlesIn('json', answer.body).map((handle, i) => ({
      Id: `m${i}`,
      ReceiptHandle: handle,
    }));
    if (entries.length > 0)
      await sendRaw(endpoint, 'json', {
        action: 'DeleteMessageBatch',
        params: { QueueUrl: queueUrl, Entries: entries },
      });
  }
  return bodies;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

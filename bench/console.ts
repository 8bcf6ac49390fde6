/**
 * Times the console API's two heavy reads against a running service (auth off), for docs/performance.md:
 * a peek of 1,000 messages (Standard and FIFO) and the list of 1,000 queues (sorted by name and by backlog, cold and
 * with the counts cache warm). Creates its own queues, named `cbench-<run>-…`:
 *
 *   npm start -- --in-memory --port 9400 &
 *   npx tsx bench/console.ts --url http://127.0.0.1:9400 --queues 1000 --messages 1000
 */

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:9324' },
    queues: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '1000' },
    repeats: { type: 'string', default: '5' },
  },
});
const url = values.url;
const queueCount = Number(values.queues);
const messageCount = Number(values.messages);
const repeats = Number(values.repeats);
const run = Date.now().toString(36);

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/console/api${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function sqs(target: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}` },
    body: JSON.stringify(input),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${target}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function timed(label: string, times: number, work: () => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(58)} median ${median.toFixed(0).padStart(5)} ms  (min ${ms[0]?.toFixed(0)}, max ${ms.at(-1)?.toFixed(0)}, n=${times})`,
  );
}

async function fill(queueName: string, fifo: boolean): Promise<void> {
  const queueUrl = `${url}/000000000000/${queueName}`;
  const batches = Math.ceil(messageCount / 10);
  for (let start = 0; start < batches; start += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, batches - start) }, (_, k) =>
        sqs('SendMessageBatch', {
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Id: `m${i}`,
            MessageBody: JSON.stringify({
              order: (start + k) * 10 + i,
              customer: `c-${i}`,
              pad: 'x'.repeat(200),
            }),
            ...(fifo ? { MessageGroupId: `g${i % 10}`, MessageDeduplicationId: `${start + k}-${i}` } : {}),
          })),
        }),
      ),
    );
  }
}

async function main(): Promise<void> {
  const standard = `cbench-${run}-peek`;
  const fifo = `cbench-${run}-peek.fifo`;
  await call('POST', '/queues', { name: standard });
  await call('POST', '/queues', { name: fifo, attributes: { FifoQueue: 'true' } });
  await fill(standard, false);
  await fill(fifo, true);
  console.log(`peek: ${messageCount} messages of ~250 bytes per queue`);
  for (const [name, label] of [
    [standard, 'Standard'],
    [fifo, 'FIFO (10 groups)'],
  ] as const) {
    const path = `/queues/${encodeURIComponent(name)}/messages?limit=1000`;
    const page = await call('GET', path);
    console.log(`  ${label}: ${(page.messages as unknown[]).length} messages in one page`);
    await timed(`  peek 1,000, ${label}, oldest first`, repeats, () => call('GET', path));
    await timed(`  peek 1,000, ${label}, newest first`, repeats, () => call('GET', `${path}&order=newest`));
    await timed(`  search 1,000 (contains, no match), ${label}`, repeats, () =>
      call('GET', `/queues/${encodeURIComponent(name)}/messages?limit=50&contains=nowhere`),
    );
    await timed(`  peek 50, ${label}`, repeats, () =>
      call('GET', `/queues/${encodeURIComponent(name)}/messages?limit=50`),
    );
  }

  const prefix = `cbench-${run}-q`;
  for (let start = 0; start < queueCount; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, queueCount - start) }, (_, i) =>
        call('POST', '/queues', { name: `${prefix}-${String(start + i).padStart(4, '0')}` }),
      ),
    );
  }
  console.log(`list: ${queueCount} queues (filter matches all of them)`);
  const list = (sort: string, limit: number) =>
    call('GET', `/queues?filter=${prefix}&sort=${sort}&limit=${limit}`);
  await timed('  list by backlog, limit 1000, counts cold', 1, async () => {
    const page = await list('backlog', 1_000);
    const measured = (page.queues as { counts?: unknown }[]).filter((q) => q.counts).length;
    console.log(`    (first answer: ${measured} of ${(page.queues as unknown[]).length} queues measured)`);
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await timed('  list by backlog, limit 1000, counts warm (< 5 s old)', repeats, () =>
    list('backlog', 1_000),
  );
  await timed('  list by name, limit 100', repeats, () => list('name', 100));
  await timed('  list by name, limit 1000', repeats, () => list('name', 1_000));
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  await timed('  list by backlog, limit 1000, counts stale (> 5 s old)', 1, () => list('backlog', 1_000));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

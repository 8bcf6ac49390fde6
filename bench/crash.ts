/**
 * kill -9 of `npm start` (not DynamoDB Local) --restarts times under Standard and FIFO load on an on-disk table,
 * restarting it each time on the same port; then reports acknowledged sends, received, lost, deliveries after an
 * acknowledged delete, and whether a FIFO deduplication id re-sent after the restarts returned the original id.
 *
 *   npx tsx bench/crash.ts [--restarts 10] [--interval 2]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCrashableServer } from '../test/helpers/fault-crash.js';
import { bindFaultQueue, createRetryingClient } from '../test/helpers/fault-service.js';
import { startTraffic } from '../test/helpers/fault-workload.js';
import { createJsonApi } from '../test/helpers/json-api.js';
import { startLocalDynamo } from './dynamo-local.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: { restarts: { type: 'string', default: '10' }, interval: { type: 'string', default: '2' } },
});
const restarts = Number(values.restarts);
const log = (line: string) => process.stderr.write(`${line}\n`);

const dataDir = await mkdtemp(join(tmpdir(), 'sqs-crash-bench-'));
const dynamo = await startLocalDynamo({ dataDir });
const server = await startCrashableServer({
  dynamodbEndpoint: dynamo.endpoint,
  tableName: `crash-${randomUUID().slice(0, 8)}`,
});
const sqs = createRetryingClient(server.url, { maxAttempts: 8 });
try {
  const api = createJsonApi(sqs);
  const create = async (name: string, attributes: Record<string, string>) =>
    bindFaultQueue(api, name, await api.createQueue(name, attributes));
  const standard = await create(`crash-${randomUUID().slice(0, 8)}`, { VisibilityTimeout: '5' });
  const fifo = await create(`crash-${randomUUID().slice(0, 8)}.fifo`, {
    FifoQueue: 'true',
    VisibilityTimeout: '5',
  });
  const original = await fifo.send('before', { messageGroupId: 'dedup', messageDeduplicationId: 'once' });

  const traffic = startTraffic({
    standard,
    standardVisibilitySeconds: 5,
    fifo,
    fifoVisibilitySeconds: 5,
    producers: 2,
    consumers: 2,
  });
  const downtimesMs: number[] = [];
  for (let i = 0; i < restarts; i++) {
    await new Promise((resolve) => setTimeout(resolve, Number(values.interval) * 1000));
    const killedAtMs = Date.now();
    await server.kill9();
    await server.restart();
    downtimesMs.push(Date.now() - killedAtMs);
    log(`restart ${i + 1}/${restarts}: down ${downtimesMs.at(-1)} ms`);
  }
  const resent = await fifo.send('after', { messageGroupId: 'dedup', messageDeduplicationId: 'once' });
  const report = await traffic.finish(40_000);
  const lines = [
    `kill -9 restarts          ${restarts} (down ${Math.min(...downtimesMs)}-${Math.max(...downtimesMs)} ms each)`,
    `acknowledged sends        ${report.acknowledged} (unacknowledged: ${report.unacknowledged})`,
    `received                  ${report.acknowledged - report.lost.length}`,
    `lost                      ${report.lost.length}`,
    `delivered after delete    ${report.deliveredAfterDelete.length}`,
    `undeleted at the end      ${report.undeleted}${report.undeletedExamples.length ? ` e.g. ${report.undeletedExamples.join(', ')}` : ''}`,
    `FIFO order violations     ${report.fifoOrderViolations} (group lock: ${report.fifoLockViolations})`,
    `FIFO dedup after restarts ${resent.messageId === original.messageId ? 'original MessageId' : `NEW MessageId ${resent.messageId}`}`,
    `client-visible errors     ${JSON.stringify(report.errors)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  sqs.destroy();
  await server.stop();
  await dynamo.stop();
  await rm(dataDir, { recursive: true, force: true });
}

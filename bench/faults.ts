/**
 * One minute (or --seconds) of mixed Standard and FIFO traffic while a fault proxy fails --rate of all
 * DynamoDB calls with every fault kind in turn at random; then the faults stop, the consumers drain, and it
 * reports what clients saw: acknowledged sends, lost, held twice, FIFO order violations, errors by code
 * (retryable or not) and the time until the service answered normally again.
 *
 *   npx tsx bench/faults.ts --seconds 60 --rate 0.1 [--kinds throttle,drop-after] [--json]
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS, type FaultKind } from '../test/helpers/fault-proxy.js';
import { bindFaultQueue, createRetryingClient, startFaultyService } from '../test/helpers/fault-service.js';
import { startTraffic, timeToNormal } from '../test/helpers/fault-workload.js';
import { createJsonApi } from '../test/helpers/json-api.js';
import { startLocalDynamo } from './dynamo-local.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '0.1' },
    kinds: { type: 'string' },
    producers: { type: 'string', default: '4' },
    consumers: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const kinds = (values.kinds?.split(',') ?? [...FAULT_KINDS]) as FaultKind[];
const log = (line: string) => process.stderr.write(`${line}\n`);

const dynamo = await startLocalDynamo();
const stack = await startFaultyService({ dynamodbEndpoint: dynamo.endpoint });
try {
  const standard = await stack.createQueue({ VisibilityTimeout: '10' });
  const fifo = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '5' });
  const probeQueue = await stack.createQueue({ VisibilityTimeout: '5' }, 'probe');
  const probe = bindFaultQueue(
    createJsonApi(createRetryingClient(stack.url, { maxAttempts: 1 })),
    probeQueue.name,
    probeQueue.url,
  );

  log(`faults: ${rate * 100}% of DynamoDB calls, kinds ${kinds.join(', ')}, for ${seconds} s`);
  stack.proxy.setRate({ rate, kinds, stallMs: 6_000 });
  const traffic = startTraffic({
    standard,
    standardVisibilitySeconds: 10,
    fifo,
    fifoVisibilitySeconds: 5,
    producers: Number(values.producers),
    consumers: Number(values.consumers),
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  traffic.stopProducing();
  stack.proxy.clear();
  const stoppedAtMs = Date.now();
  log('faults stopped; draining');
  const normalAfterMs = await timeToNormal(probe, stoppedAtMs);
  const report = await traffic.finish(40_000);

  const result = {
    seconds,
    rate,
    kinds,
    dynamodbCalls: Object.values(stack.proxy.counts.calls).reduce((a, b) => a + b, 0),
    faultsInjected: stack.proxy.counts.injected,
    acknowledgedSends: report.acknowledged,
    unacknowledgedSends: report.unacknowledged,
    lost: report.lost.length,
    undeletedAtEnd: report.undeleted,
    heldTwice: report.heldTwice.length,
    deliveredAfterDelete: report.deliveredAfterDelete.length,
    fifoOrderViolations: report.fifoOrderViolations,
    fifoLockViolations: report.fifoLockViolations,
    clientErrors: report.errors,
    timeToNormalMs: normalAfterMs ?? null,
    examples: {
      lost: report.lost.slice(0, 3),
      heldTwice: report.heldTwice.slice(0, 3),
      deliveredAfterDelete: report.deliveredAfterDelete.slice(0, 3),
      fifo: report.fifoViolations.slice(0, 3),
    },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const lines = [
      `DynamoDB calls          ${result.dynamodbCalls}, faults injected: ${JSON.stringify(result.faultsInjected)}`,
      `acknowledged sends      ${result.acknowledgedSends} (unacknowledged: ${result.unacknowledgedSends})`,
      `lost                    ${result.lost}`,
      `undeleted at the end    ${result.undeletedAtEnd}`,
      `held twice              ${result.heldTwice}`,
      `delivered after delete  ${result.deliveredAfterDelete}`,
      `FIFO order violations   ${result.fifoOrderViolations} (group lock: ${result.fifoLockViolations})`,
      'client-visible errors:',
      ...Object.entries(result.clientErrors).map(
        ([code, e]) =>
          `  ${code.padEnd(22)}${String(e.count).padStart(6)}  ${e.retryable ? 'retryable' : 'NOT retryable'}`,
      ),
      `time to normal          ${normalAfterMs === undefined ? 'not within 30 s' : `${normalAfterMs} ms`}`,
      ...Object.entries(result.examples)
        .filter(([, list]) => list.length > 0)
        .map(([name, list]) => `e.g. ${name}: ${list.join('; ')}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
} finally {
  await stack.close();
  await dynamo.stop();
}

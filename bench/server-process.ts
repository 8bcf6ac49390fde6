/**
 * The service as the bench runs it: its own Node process, wired the way `npm start` (bin/local.ts) wires it
 * (`createService` with `ensureTable`, then `startNodeServer`), against the DynamoDB Local the bench started;
 * unlike `npm start`, it runs message move tasks only when its config asks for it (`runMoveTasks`).
 * bench/server-handle.ts forks this file and talks to it over the IPC channel:
 *
 * - argv[2]: JSON `ServerProcessConfig`.
 * - to the parent: `{ type: 'ready', url }` once serving, `{ type: 'failed', message }` if it could not start,
 *   and one `{ type: 'snapshot', id, ... }` per request.
 * - from the parent: `{ type: 'snapshot', id }` (the service's capacity meter, and with `byAction` the split
 *   by SQS action) and `{ type: 'stop' }`.
 *
 * It exits when told to stop or as soon as the parent goes away (the IPC channel closes), so it cannot outlive
 * the bench; the parent also kills it by PID.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FULL_ACCESS } from '../lambda/auth/policy.js';
import { DEFAULT_ACCOUNT_ID } from '../lambda/config.js';
import { createService, type Service } from '../lambda/create-service.js';
import { type RunningServer, startNodeServer } from '../lambda/entries/node-server.js';
import { ActionMeter } from './action-meter.js';
import { DUMMY_CREDENTIALS, REGION } from './dynamo-local.js';
import type { FromServer, ServerProcessConfig, ToServer } from './server-protocol.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const send = (message: FromServer) => process.send?.(message);

let service: Service | undefined;
let server: RunningServer | undefined;
let actions: ActionMeter | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // Bounded: a long poll still open gets aborted by close(), and the move task runner finishes the step it
    // is in, but do not hang on anything.
    await bounded(server?.close());
    await bounded(service?.close());
  }
  process.exit(code);
}

function bounded(closing: Promise<void> | undefined): Promise<unknown> | undefined {
  return closing && Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
}

// The parent died or closed the channel: nobody is left to drive or stop this process.
process.on('disconnect', () => void stop(0));
process.on('message', (message: ToServer) => {
  if (message.type === 'stop') void stop(0);
  else if (message.type === 'snapshot') {
    send({
      type: 'snapshot',
      id: message.id,
      atMs: performance.now(),
      capacity: service?.meter.snapshot() ?? {
        readUnits: 0,
        writeUnits: 0,
        failedConditionalWrites: 0,
        calls: 0,
      },
      byAction: actions?.snapshot(),
    });
  }
});
// Ctrl-C in a terminal reaches the whole process group; the bench decides when this process stops.
process.on('SIGINT', () => {});

try {
  if (!process.send) throw new Error('bench/server-process.ts must be started with child_process.fork');
  const config = JSON.parse(process.argv[2] ?? '') as ServerProcessConfig;
  service = await createService(
    {
      tableName: config.tableName,
      dynamodbEndpoint: config.dynamodbEndpoint,
      accountId: DEFAULT_ACCOUNT_ID,
      region: REGION,
      dynamodbCredentials: DUMMY_CREDENTIALS,
      ...(config.auth ? { auth: { cipher: { kind: 'local', key: randomBytes(32) } } } : {}),
    },
    { ensureTable: true, runMoveTasks: config.runMoveTasks },
  );
  if (config.auth) {
    // Both server processes of a run share the table: the second finds the key there already.
    await service.accessKeys?.import({ ...DUMMY_CREDENTIALS, name: 'bench', policy: FULL_ACCESS });
  }
  actions = config.byAction ? new ActionMeter(service.meter) : undefined;
  const handler = actions ? actions.wrap(service.handler) : service.handler;
  server = await startNodeServer({ handler, port: 0 });
  send({ type: 'ready', url: server.url });
} catch (error) {
  send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  await stop(1);
}

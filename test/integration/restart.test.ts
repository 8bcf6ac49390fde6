import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DynamoLocal, startDynamoLocal } from '../helpers/dynamo-local.js';
import { createJsonApi } from '../helpers/json-api.js';
import { createJsonClient } from '../helpers/json-client.js';
import { createQueryApi } from '../helpers/query-api.js';
import { QueryClient } from '../helpers/query-client.js';
import { startTestServer, type TestServer, uniqueTableName } from '../helpers/server.js';
import type { SqsApi } from '../helpers/sqs-api.js';
import { bindQueue, uniqueQueueName } from '../helpers/test-queue.js';

/** A server on a file-backed DynamoDB Local, with one client per protocol. */
interface Stack {
  readonly dynamo: DynamoLocal;
  readonly server: TestServer;
  readonly apis: { readonly json: SqsApi; readonly query: SqsApi };
  stop(): Promise<void>;
}

async function startStack(dataDir: string, tableName: string): Promise<Stack> {
  const dynamo = await startDynamoLocal({ dataDir });
  const server = await startTestServer({ dynamodbEndpoint: dynamo.endpoint, tableName }).catch(
    async (error) => {
      await dynamo.stop();
      throw error;
    },
  );
  const sqs = createJsonClient(server.url);
  let stopping: Promise<void> | undefined;
  return {
    dynamo,
    server,
    apis: { json: createJsonApi(sqs), query: createQueryApi(new QueryClient(server.url)) },
    stop: () => {
      stopping ??= (async () => {
        sqs.destroy();
        await server.close();
        await dynamo.stop();
      })();
      return stopping;
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Restart', () => {
  it('keeps queues and messages across a restart of the server and DynamoDB Local', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sqs-restart-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const tableName = uniqueTableName();
    const names = { json: uniqueQueueName('restart'), query: uniqueQueueName('restart') };
    const bodies = Array.from({ length: 25 }, (_, i) => `durable ${i}`);

    let stack = await startStack(dataDir, tableName);
    cleanups.push(() => stack.stop());
    for (const protocol of ['json', 'query'] as const) {
      const api = stack.apis[protocol];
      const queue = bindQueue(
        api,
        names[protocol],
        await api.createQueue(names[protocol], { VisibilityTimeout: '5' }),
      );
      for (let i = 0; i < bodies.length; i += 10) {
        const entries = bodies.slice(i, i + 10).map((body, j) => ({ id: `m${j}`, body }));
        expect((await queue.sendBatch(entries)).failed).toEqual([]);
      }
    }
    const firstPid = stack.dynamo.pid;
    await stack.stop();

    stack = await startStack(dataDir, tableName);

    expect(stack.dynamo.pid).not.toBe(firstPid);
    for (const protocol of ['json', 'query'] as const) {
      const api = stack.apis[protocol];
      const queue = bindQueue(api, names[protocol], await api.getQueueUrl(names[protocol]));
      const received = await queue.receiveAll(bodies.length);
      expect(received.map((m) => m.body).sort()).toEqual([...bodies].sort());
      expect(await queue.getAttributes(['VisibilityTimeout'])).toEqual({ VisibilityTimeout: '5' });
    }
  }, 180_000);
});

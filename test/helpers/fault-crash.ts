/**
 * `npm start` as a child process that a crash test kills with SIGKILL and starts again on the same port, table
 * and DynamoDB, while clients keep running. Needs no vitest (bench/crash.ts runs it too).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { findFreePort } from '../../bin/dynamodb-local.js';

export interface CrashableServer {
  /** `http://127.0.0.1:port`, the same across restarts. */
  readonly url: string;
  /** The running process's id. */
  pid(): number;
  /** SIGKILL, no shutdown of any kind; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Starts `npm start` again on the same port; resolves once it listens. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `npm start -- --dynamodb-endpoint <endpoint> --table <table> --port <free port>` and waits until it listens. */
export async function startCrashableServer(options: {
  dynamodbEndpoint: string;
  tableName: string;
}): Promise<CrashableServer> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  const args = [
    '--dynamodb-endpoint',
    options.dynamodbEndpoint,
    '--table',
    options.tableName,
    '--port',
    String(port),
  ];

  const start = async () => {
    const { QUEUES_CONFIG: _ignored, ...env } = process.env;
    const started = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const deadline = Date.now() + 60_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`npm start did not start:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill9 = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: () => child?.pid ?? -1,
    kill9,
    restart: start,
    stop: kill9,
  };
}

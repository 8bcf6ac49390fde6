import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ServerProcessConfig, ServerSnapshot, ToServer } from './server-protocol.js';

/** The service running in its own process (bench/server-process.ts), as `npm start` runs it. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Reads the service's meter in the server process; the request leaves synchronously, at the call. */
  snapshot(): Promise<ServerSnapshot>;
  /** Asks the process to close its server and exit; SIGKILL if it is still alive after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL without waiting, for `process.on('exit')` and signal handlers. */
  killNow(): void;
}

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/**
 * Forks the server process with tsx as its loader (the parent's own loader flags are not inherited: they
 * depend on how the bench was started) and resolves once it serves. Its stdout goes to our stderr, so that
 * `--json` keeps stdout to the one JSON object.
 */
export async function startServerProcess(
  config: ServerProcessConfig,
  onPid?: (pid: number) => void,
): Promise<ServerProcess> {
  const child: ChildProcess = fork(ENTRY, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', process.stderr, 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pid = child.pid ?? -1;
  if (pid > 0) onPid?.(pid);
  let running = child.pid !== undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      for (const { reject } of pending.values()) {
        reject(new Error(`the server process exited (${signal ? `signal ${signal}` : `code ${code}`})`));
      }
      pending.clear();
      resolve();
    });
    child.once('error', () => {
      running = false;
      resolve();
    });
  });
  const killNow = () => {
    if (!running) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: it exited between the check and the signal.
    }
  };

  let nextId = 1;
  const pending = new Map<number, { resolve(s: ServerSnapshot): void; reject(e: Error): void }>();
  let ready: ((url: string) => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  child.on('message', (message: FromServer) => {
    if (message.type === 'ready') ready?.(message.url);
    else if (message.type === 'failed')
      failed?.(new Error(`the server process failed to start:\n${message.message}`));
    else if (message.type === 'snapshot') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      waiting?.resolve({ atMs: message.atMs, capacity: message.capacity, byAction: message.byAction });
    }
  });

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      ready = resolve;
      failed = reject;
      const timer = setTimeout(
        () => reject(new Error(`the server process did not serve within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      timer.unref();
      void exited.then(() => reject(new Error('the server process exited while starting')));
    });
  } catch (error) {
    killNow();
    await exited;
    throw error;
  }

  return {
    url,
    pid,
    snapshot: () =>
      new Promise<ServerSnapshot>((resolve, reject) => {
        if (!running) {
          reject(new Error('the server process is not running'));
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ type: 'snapshot', id } satisfies ToServer);
      }),
    stop: async (graceMs = 5_000) => {
      if (running && child.connected) child.send({ type: 'stop' } satisfies ToServer);
      const timer = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), graceMs).unref(),
      );
      if ((await Promise.race([exited, timer])) === 'timeout') killNow();
      await exited;
    },
    killNow,
  };
}

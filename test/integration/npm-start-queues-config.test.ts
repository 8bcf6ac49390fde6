import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startLocal } from '../helpers/local-process.js';
import { uniqueTableName } from '../helpers/server.js';

const EXAMPLE = resolve('examples/queues.json');

/** Waits until `npm start` prints that it is listening, then stops it with SIGTERM and returns its output. */
async function runUntilListening(args: readonly string[]): Promise<string> {
  const run = startLocal(args);
  const deadline = Date.now() + 45_000;
  while (!run.stdout().includes('Press Ctrl-C to stop.')) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      run.child.kill('SIGKILL');
      const { code, stdout, stderr } = await run.exited;
      throw new Error(`npm start did not start (exit ${code}):\n${stdout}\n${stderr}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  run.child.kill('SIGTERM');
  const { code, stdout } = await run.exited;
  expect(code).toBe(0);
  return stdout;
}

describe('npm start -- --config', () => {
  const dynamodbEndpoint = inject('dynamodbEndpoint');

  it('creates the queues of the example file before it listens, and finds them unchanged at the next start', async () => {
    const args = ['--config', 'examples/queues.json', '--dynamodb-endpoint', dynamodbEndpoint, '--port', '0'];
    const table = ['--table', uniqueTableName()];

    const first = await runUntilListening([...args, ...table]);
    const second = await runUntilListening([...args, ...table]);

    expect(first).toContain(
      [
        `Queues from ${EXAMPLE}:`,
        '  orders-dlq: created',
        '  orders: created',
        '  payments-dlq.fifo: created',
        '  payments.fifo: created',
        '',
        'SQS endpoint: http://127.0.0.1:',
      ].join('\n'),
    );
    expect(second).toContain(
      [
        `Queues from ${EXAMPLE}:`,
        '  orders-dlq: unchanged',
        '  orders: unchanged',
        '  payments-dlq.fifo: unchanged',
        '  payments.fifo: unchanged',
      ].join('\n'),
    );
  }, 120_000);

  it('stops with exit code 1 and names the queue and field of a bad QUEUES_CONFIG file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'queues-config-'));
    const file = join(dir, 'queues.json');
    await writeFile(
      file,
      JSON.stringify({ queues: [{ name: 'orders', attributes: { VisibilityTimeout: '50000' } }] }),
    );

    const { code, stdout, stderr } = await startLocal(
      ['--dynamodb-endpoint', dynamodbEndpoint, '--port', '0', '--table', uniqueTableName()],
      { QUEUES_CONFIG: file },
    ).exited;
    await rm(dir, { recursive: true });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: the queues config ${file} is invalid:\n` +
        `  queue 'orders': attributes.VisibilityTimeout must be an integer from 0 to 43200 (seconds), got "50000"\n`,
    );
  }, 60_000);
});

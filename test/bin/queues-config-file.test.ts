import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalOptions } from '../../bin/local-options.js';
import { readQueuesConfigFile } from '../../bin/queues-config-file.js';

describe('npm start --config and QUEUES_CONFIG', () => {
  it('takes the file from --config, resolved to an absolute path', () => {
    const options = parseLocalOptions(['--config', 'examples/queues.json'], {});

    expect(options.queuesConfig).toBe(resolve('examples/queues.json'));
  });

  it('takes the file from QUEUES_CONFIG when --config is absent, and prefers the flag', () => {
    expect(parseLocalOptions([], { QUEUES_CONFIG: 'a.json' }).queuesConfig).toBe(resolve('a.json'));
    expect(parseLocalOptions(['--config', 'b.json'], { QUEUES_CONFIG: 'a.json' }).queuesConfig).toBe(
      resolve('b.json'),
    );
  });

  it('declares no queues without either', () => {
    expect(parseLocalOptions([], {}).queuesConfig).toBeUndefined();
  });
});

describe('readQueuesConfigFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'queues-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true });
  });

  async function fileWith(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('plans the example file, dead-letter queues first', async () => {
    const { plan } = await readQueuesConfigFile('examples/queues.json');

    expect(plan.queues.map((queue) => queue.name)).toEqual([
      'orders-dlq',
      'orders',
      'payments-dlq.fifo',
      'payments.fifo',
    ]);
  });

  it('says so when the file is missing', async () => {
    const path = join(dir, 'missing.json');

    await expect(readQueuesConfigFile(path)).rejects.toThrow(
      `cannot read the queues config ${path}: no such file`,
    );
  });

  it('says so when the file is not JSON', async () => {
    const path = await fileWith('broken.json', '{ "queues": [ }');

    await expect(readQueuesConfigFile(path)).rejects.toThrow(`the queues config ${path} is not valid JSON: `);
  });

  it('lists every problem of an invalid file, one line per queue and field', async () => {
    const path = await fileWith(
      'invalid.json',
      JSON.stringify({
        queues: [
          { name: 'orders', deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 0 } },
          { name: 'jobs', attributes: { DelaySeconds: 1000 } },
        ],
      }),
    );

    await expect(readQueuesConfigFile(path)).rejects.toThrow(
      `the queues config ${path} is invalid:\n` +
        "  queue 'orders': deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000, got 0\n" +
        "  queue 'jobs': attributes.DelaySeconds must be an integer from 0 to 900 (seconds), got 1000",
    );
  });

  it('reports a dead-letter queue the file does not declare before anything starts', async () => {
    const path = await fileWith(
      'undeclared.json',
      JSON.stringify({
        queues: [{ name: 'orders', deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 } }],
      }),
    );

    await expect(readQueuesConfigFile(path)).rejects.toThrow(
      `the queues config ${path} is invalid:\n  queue 'orders': deadLetterQueue.name names 'orders-dlq', which this file does not declare`,
    );
  });
});

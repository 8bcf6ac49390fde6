import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLocalEndpoint, removeLocalEndpoint, writeLocalEndpoint } from '../../bin/local-endpoint.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-endpoint-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid ?? 0;
}

describe('the record npm start keeps in its data directory for npm run keys', () => {
  it('gives the DynamoDB Local and SQS endpoints of a running npm start', async () => {
    const record = {
      endpoint: 'http://127.0.0.1:38895',
      pid: process.pid,
      sqsEndpoint: 'http://127.0.0.1:9556',
    };
    await writeLocalEndpoint(dataDir, record);

    expect(await findLocalEndpoint(dataDir)).toEqual(record);
  });

  it('ignores a record left behind by an npm start that is gone, and a missing or broken one', async () => {
    expect(await findLocalEndpoint(dataDir)).toBeUndefined();

    await writeLocalEndpoint(dataDir, { endpoint: 'http://127.0.0.1:38895', pid: deadPid() });

    expect(await findLocalEndpoint(dataDir)).toBeUndefined();
  });

  it('is removed only by the process that wrote it', async () => {
    await writeLocalEndpoint(dataDir, { endpoint: 'http://127.0.0.1:38895', pid: process.pid });

    await removeLocalEndpoint(dataDir, process.pid + 1);
    const kept = await readdir(dataDir);
    await removeLocalEndpoint(dataDir);

    expect(kept).toEqual(['endpoint.json']);
    expect(await readdir(dataDir)).toEqual([]);
  });
});

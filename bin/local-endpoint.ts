import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * While `npm start` runs DynamoDB Local on a data directory, it records the endpoint there, so `npm run keys` can
 * use that DynamoDB Local instead of starting a second one on the same files (DynamoDB Local does not share them).
 */
const FILE_NAME = 'endpoint.json';

/** What the record holds. */
export interface LocalEndpoint {
  /** `http://127.0.0.1:<port>` of the running DynamoDB Local. */
  readonly endpoint: string;
  /** The `npm start` process, to tell a live record from one a crash left behind. */
  readonly pid: number;
  /** The SQS endpoint it serves, once it listens: what the keys CLI tells a new key's user to call. */
  readonly sqsEndpoint?: string;
}

export async function writeLocalEndpoint(dataDir: string, record: LocalEndpoint): Promise<void> {
  await writeFile(join(dataDir, FILE_NAME), `${JSON.stringify(record)}\n`, 'utf8');
}

/** Removes the record, if it is still this process's. */
export async function removeLocalEndpoint(dataDir: string, pid: number = process.pid): Promise<void> {
  const record = await readRecord(dataDir);
  if (record?.pid === pid) await rm(join(dataDir, FILE_NAME), { force: true });
}

/** The record of the `npm start` running on `dataDir`; undefined when none is (a stale record is ignored). */
export async function findLocalEndpoint(dataDir: string): Promise<LocalEndpoint | undefined> {
  const record = await readRecord(dataDir);
  return record !== undefined && isAlive(record.pid) ? record : undefined;
}

async function readRecord(dataDir: string): Promise<LocalEndpoint | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, FILE_NAME), 'utf8')) as Partial<LocalEndpoint>;
    if (typeof parsed.endpoint !== 'string' || typeof parsed.pid !== 'number') return undefined;
    return {
      endpoint: parsed.endpoint,
      pid: parsed.pid,
      ...(typeof parsed.sqsEndpoint === 'string' ? { sqsEndpoint: parsed.sqsEndpoint } : {}),
    };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { pollFor } from '../helpers/poll.js';
import { startTestServer, TEST_REGION, type TestServer, uniqueTableName } from '../helpers/server.js';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let server: TestServer;
let dir: string;
let keyFile: string;
const tableName = uniqueTableName();

/** `npm run keys -- <args>` against this file's table and key file, as a separate process. */
function keys(...args: string[]): Promise<CliRun> {
  const target = [
    '--dynamodb-endpoint',
    inject('dynamodbEndpoint'),
    '--table',
    tableName,
    '--key-file',
    keyFile,
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/keys.ts', ...args, ...target],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function field(output: string, label: string): string {
  const value = new RegExp(`${label}:\\s+(\\S+)`).exec(output)?.[1];
  if (value === undefined) throw new Error(`no '${label}' in:\n${output}`);
  return value;
}

function client(credentials: { accessKeyId: string; secretAccessKey: string }): SQSClient {
  return new SQSClient({ endpoint: server.url, region: TEST_REGION, credentials, maxAttempts: 1 });
}

async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as Error).name;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keys-cli-'));
  keyFile = join(dir, 'key-encryption-key');
  const key = randomBytes(32);
  await writeFile(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  // The service shares the CLI's table and key file, and forgets a key 500 ms after it was revoked.
  server = await startTestServer({ tableName, auth: { localKey: key, keyCacheTtlMs: 500 } });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run keys', () => {
  it('creates a key that works at once, within its policy', async () => {
    const created = await keys('create', '--name', 'cli-worker', '--allow', 'CreateQueue,SendMessage:cli-*');
    const credentials = {
      accessKeyId: field(created.stdout, 'Access key id'),
      secretAccessKey: field(created.stdout, 'Secret access key'),
    };
    const sqs = client(credentials);

    const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'cli-orders' }));
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: 'from a CLI key' }),
    );
    const outside = await failure(sqs.send(new ListQueuesCommand({})));

    expect(created.code).toBe(0);
    expect(credentials.accessKeyId).toMatch(/^DSQS[A-Z2-7]{16}$/);
    expect(credentials.secretAccessKey).toHaveLength(40);
    expect(created.stdout).toContain(`export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`);
    expect(sent.MessageId).toMatch(/\S/);
    expect(outside).toBe('AccessDenied');
    sqs.destroy();
  });

  it('stores the secret only encrypted', async () => {
    const created = await keys('create', '--name', 'cli-stored', '--allow', '*:*');
    const secret = field(created.stdout, 'Secret access key');
    const dynamodb = new DynamoDBClient({
      region: TEST_REGION,
      endpoint: inject('dynamodbEndpoint'),
      credentials: DUMMY_CREDENTIALS,
    });

    const items = await dynamodb.send(new ScanCommand({ TableName: tableName }));
    dynamodb.destroy();

    const raw = JSON.stringify(items.Items, (_key, value) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    );
    expect(raw).toContain(field(created.stdout, 'Access key id'));
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('lists keys with their names and policies, never their secrets', async () => {
    const created = await keys('create', '--name', 'cli-listed', '--allow', 'sqs:ReceiveMessage:jobs-*');
    const id = field(created.stdout, 'Access key id');

    const listed = await keys('list');

    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ACCESS KEY ID\s+NAME\s+CREATED\s+ALLOWED$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+cli-listed\\s+\\S+Z\\s+sqs:ReceiveMessage:jobs-\\*$`, 'm'),
    );
    expect(listed.stdout).not.toContain(field(created.stdout, 'Secret access key'));
  });

  it('revokes a key: the service refuses it once its cache has expired', async () => {
    const created = await keys('create', '--name', 'cli-revoked', '--allow', '*:*');
    const credentials = {
      accessKeyId: field(created.stdout, 'Access key id'),
      secretAccessKey: field(created.stdout, 'Secret access key'),
    };
    const sqs = client(credentials);
    await sqs.send(new ListQueuesCommand({}));

    const revoked = await keys('revoke', credentials.accessKeyId);
    const refused = await pollFor(
      () => failure(sqs.send(new ListQueuesCommand({}))),
      (name) => name !== undefined,
      5_000,
    );
    const again = await keys('revoke', credentials.accessKeyId);
    const listed = await keys('list');

    expect(revoked).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`Revoked ${credentials.accessKeyId}`),
    });
    expect(refused).toBe('InvalidClientTokenId');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`there is no access key ${credentials.accessKeyId}`);
    expect(listed.stdout).not.toContain(credentials.accessKeyId);
    sqs.destroy();
  });

  it('explains a mistake on the command line and exits 1', async () => {
    const noAllow = await keys('create', '--name', 'x');
    const badAction = await keys('create', '--name', 'x', '--allow', 'SendMesage:orders');
    const batch = await keys('create', '--name', 'x', '--allow', 'SendMessageBatch:orders');
    const badName = await keys('create', '--name', 'has space', '--allow', '*:*');

    expect(noAllow).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('create needs at least one --allow'),
    });
    expect(badAction.stderr).toContain("action 'SendMesage' matches no SQS action");
    expect(batch.stderr).toContain("SendMessageBatch is allowed by 'SendMessage'");
    expect(badName).toMatchObject({ code: 1, stderr: expect.stringContaining('the key name must be') });
  });
});

/**
 * `npm run keys -- create|list|revoke`: manages the access keys of the local setup (`npm start -- --auth`) or of a
 * deployed stack. Secrets are printed once, by `create`, and stored only as ciphertext.
 */
import { mkdir } from 'node:fs/promises';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { AccessKeyRecord, AccessKeyWithSecret } from '../lambda/auth/access-key.js';
import { AccessKeyError, type AccessKeys } from '../lambda/auth/access-keys.js';
import { KEY_CACHE_TTL_MS } from '../lambda/auth/authenticator.js';
import { createAccessKeys } from '../lambda/auth/create-auth.js';
import { formatStatement } from '../lambda/auth/policy.js';
import type { KeyCipherConfig } from '../lambda/config.js';
import { CapacityMeter } from '../lambda/storage/dynamo/capacity-meter.js';
import { ensureTable } from '../lambda/storage/dynamo/table.js';
import { chooseDynamoDbCredentials } from './dynamodb-credentials.js';
import {
  checkJava,
  DUMMY_CREDENTIALS,
  type DynamoDbLocal,
  MIN_JAVA_MAJOR,
  startDynamoDbLocal,
} from './dynamodb-local.js';
import { loadKeyEncryptionKey } from './key-encryption-key.js';
import {
  KEYS_HELP,
  type KeysCommand,
  type KeysOptions,
  type KeysTarget,
  parseKeysOptions,
} from './keys-options.js';
import { findLocalEndpoint } from './local-endpoint.js';
import { UsageError } from './local-options.js';
import { StartupError } from './startup-error.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let dynamo: DynamoDbLocal | undefined;
/** The SQS endpoint of the `npm start` whose DynamoDB Local this command uses, when it recorded one. */
let localSqsEndpoint: string | undefined;
process.on('exit', () => dynamo?.killNow());

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  report(error);
  process.exitCode = 1;
} finally {
  await dynamo?.stop();
}

async function main(args: readonly string[]): Promise<number> {
  const options = parseKeysOptions(args, process.env);
  if (options.command.kind === 'help') {
    process.stdout.write(KEYS_HELP);
    return 0;
  }
  const { client, cipher } = await connect(options.target);
  const { accessKeys, close } = createAccessKeys(cipher, {
    client,
    tableName: options.target.tableName,
    region: options.region,
    meter: new CapacityMeter(),
  });
  try {
    return await run(options.command, accessKeys, options);
  } finally {
    close();
    client.destroy();
  }
}

/** A DynamoDB client for the target's table, and the cipher its keys are encrypted with. */
async function connect(target: KeysTarget): Promise<{ client: DynamoDBClient; cipher: KeyCipherConfig }> {
  if (target.kind === 'deployed') {
    const client = new DynamoDBClient({ region: target.region });
    await assertTableExists(client, target.tableName, target.region);
    return { client, cipher: { kind: 'kms', kmsKeyId: target.kmsKeyId } };
  }
  const { key } = await loadKeyEncryptionKey(target.keyFile);
  const endpoint = target.kind === 'endpoint' ? target.endpoint : await localEndpoint(target.dataDir);
  const credentials =
    target.kind === 'endpoint' ? await chooseDynamoDbCredentials(endpoint, 'us-east-1') : DUMMY_CREDENTIALS;
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    ...(credentials ? { credentials } : {}),
  });
  // Keys may be created before the first `npm start`: the table is made as `npm start` would make it.
  await ensureTable(client, target.tableName);
  return { client, cipher: { kind: 'local', key } };
}

/** The DynamoDB Local that `npm start` runs on `dataDir`, or one started here for the length of the command. */
async function localEndpoint(dataDir: string): Promise<string> {
  const running = await findLocalEndpoint(dataDir);
  if (running !== undefined) {
    localSqsEndpoint = running.sqsEndpoint;
    return running.endpoint;
  }
  const java = await checkJava();
  if (!java.ok) {
    throw new StartupError(
      `${java.problem}.\nWith no \`npm start\` running, the keys CLI starts DynamoDB Local itself, which needs Java ` +
        `${MIN_JAVA_MAJOR}+; or point it at a running DynamoDB with --dynamodb-endpoint <url>.`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  dynamo = await startDynamoDbLocal({ dataDir });
  return dynamo.endpoint;
}

async function assertTableExists(client: DynamoDBClient, tableName: string, region: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new StartupError(`there is no table '${tableName}' in ${region}: check --table and --region`);
    }
    throw error;
  }
}

async function run(command: KeysCommand, accessKeys: AccessKeys, options: KeysOptions): Promise<number> {
  switch (command.kind) {
    case 'create': {
      const key = await accessKeys.create(command.name, command.policy);
      console.log(describeCreated(key, options));
      return 0;
    }
    case 'list': {
      const keys = await accessKeys.list();
      console.log(
        keys.length === 0 ? `No access keys in table '${options.target.tableName}'.` : listing(keys),
      );
      return 0;
    }
    case 'revoke': {
      if (!(await accessKeys.revoke(command.accessKeyId))) {
        console.error(
          `error: there is no access key ${command.accessKeyId} in table '${options.target.tableName}'`,
        );
        return 1;
      }
      console.log(
        `Revoked ${command.accessKeyId}. The service stops accepting it within ${KEY_CACHE_TTL_MS / 1000} s (its key cache).`,
      );
      return 0;
    }
    default:
      return 0;
  }
}

function describeCreated(key: AccessKeyWithSecret, options: KeysOptions): string {
  const endpoint =
    options.target.kind === 'deployed'
      ? "<the stack's endpoint URL>"
      : (localSqsEndpoint ?? 'http://localhost:9324');
  return [
    `Created access key ${key.accessKeyId} (${key.name}), allowed: ${key.policy.map(formatStatement).join('; ')}`,
    '',
    `  Access key id:     ${key.accessKeyId}`,
    `  Secret access key: ${key.secretAccessKey}`,
    '',
    'The secret is shown only now: the table keeps it encrypted and nothing reads it back. Use the key with',
    'environment variables:',
    `  export AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY='${key.secretAccessKey}' AWS_DEFAULT_REGION=${options.region}`,
    `  aws --endpoint-url ${endpoint} sqs list-queues`,
    'or in a profile (`aws configure --profile dynamo-sqs` asks for both, and the region):',
    `  aws --profile dynamo-sqs --endpoint-url ${endpoint} sqs list-queues`,
  ].join('\n');
}

function listing(keys: readonly AccessKeyRecord[]): string {
  const rows = keys.map((key) => [
    key.accessKeyId,
    key.name,
    new Date(key.createdMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    key.policy.map(formatStatement).join('; '),
  ]);
  const header = ['ACCESS KEY ID', 'NAME', 'CREATED', 'ALLOWED'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function report(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}\nRun \`npm run keys -- --help\` for the commands and options.`);
  } else if (error instanceof StartupError || error instanceof AccessKeyError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error('error: unexpected failure:', error);
  }
}

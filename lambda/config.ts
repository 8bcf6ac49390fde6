import type { StaticAccessKey } from './auth/authenticator.js';
import { decodeLocalKey } from './auth/local-cipher.js';

/** Where the access keys' secrets are encrypted (docs/design.md, "Authentication"). */
export type KeyCipherConfig =
  /** A KMS key (id, ARN or alias): the deployed stack's. */
  | { readonly kind: 'kms'; readonly kmsKeyId: string }
  /** A 32-byte AES-256-GCM key: `npm start --auth` reads it from a key file; tests pass it in `KEYS_LOCAL_KEY`. */
  | { readonly kind: 'local'; readonly key: Uint8Array };

/** SigV4 authentication against the keys in the table (and any static keys). */
export interface AuthConfig {
  readonly cipher: KeyCipherConfig;
  /** Keys held in memory besides the table's (`npm start --keys <file>`). @default - only the table's keys */
  readonly staticKeys?: readonly StaticAccessKey[];
  /** How long a looked-up key is reused; a revoke takes effect within it. @default 60 s (KEY_CACHE_TTL_MS) */
  readonly keyCacheTtlMs?: number;
}

/** Runtime settings, read once from the environment; the only place that reads `process.env`. */
export interface Config {
  /** DynamoDB table that holds queues and messages. */
  readonly tableName: string;
  /** @default - the regional endpoint; `npm start` points it at DynamoDB Local */
  readonly dynamodbEndpoint?: string;
  /** Account id shown in queue URLs and ARNs. */
  readonly accountId: string;
  /** Region shown in ARNs and used for the DynamoDB client. */
  readonly region: string;
  /** @default - the default AWS credential chain */
  readonly dynamodbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * How long one DynamoDB request may take before it is abandoned and retried (or failed); its connection gets
   * a fifth of it. @default 5 s (DYNAMODB_REQUEST_TIMEOUT_MS), far above DynamoDB's single-digit ms, short of a
   * client's patience
   */
  readonly dynamodbRequestTimeoutMs?: number;
  /** Partitions each new queue's messages are spread over. @default 4 */
  readonly shards?: number;
  /** CloudWatch namespace of the Lambda functions' metrics (`POWERTOOLS_METRICS_NAMESPACE`). @default 'DynamoSQS' */
  readonly metricsNamespace?: string;
  /**
   * The function that runs the service's Lambda consumers (`DISPATCHER_FUNCTION_NAME`, set by the stack): the
   * request and background functions invoke it when a queue with a consumer has messages.
   * @default - no dispatcher: nothing is kicked (`npm start` runs its consumers in process)
   */
  readonly dispatcherFunctionName?: string;
  /** Lambda's Invoke API (`LAMBDA_ENDPOINT`); tests point it at a local stand-in. @default - the regional endpoint */
  readonly lambdaEndpoint?: string;
  /**
   * Every request must be signed with one of the service's access keys and stay within its policy.
   * @default - auth off: any credentials, or none, are accepted (local use only; the request Lambda refuses to
   *   start without it)
   */
  readonly auth?: AuthConfig;
}

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_TABLE_NAME = 'sqs';

/**
 * Reads `TABLE_NAME`, `DYNAMODB_ENDPOINT`, `DYNAMODB_REQUEST_TIMEOUT_MS`, `SQS_ACCOUNT_ID`, `AWS_REGION`, `QUEUE_SHARDS`, `DISPATCHER_FUNCTION_NAME`, `LAMBDA_ENDPOINT` and the key cipher:
 * `KEYS_KMS_KEY_ID` (set by the stack) or `KEYS_LOCAL_KEY` (base64, 32 bytes) turn auth on; with neither it is off,
 * which the functions that serve no requests need. Throws only for a malformed or ambiguous key setting.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const auth = readAuthConfig(env);
  return {
    tableName: env.TABLE_NAME || DEFAULT_TABLE_NAME,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    accountId: env.SQS_ACCOUNT_ID || DEFAULT_ACCOUNT_ID,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION,
    shards: env.QUEUE_SHARDS ? Number(env.QUEUE_SHARDS) : undefined,
    dynamodbRequestTimeoutMs: readPositiveMs(env, 'DYNAMODB_REQUEST_TIMEOUT_MS'),
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE || undefined,
    dispatcherFunctionName: env.DISPATCHER_FUNCTION_NAME || undefined,
    lambdaEndpoint: env.LAMBDA_ENDPOINT || undefined,
    ...(auth ? { auth } : {}),
  };
}

/** A whole number of milliseconds from `env[name]`; throws for anything else, so a typo cannot mean "no timeout". */
function readPositiveMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`${name} must be a positive whole number of ms, got '${text}'`);
  return ms;
}

function readAuthConfig(env: NodeJS.ProcessEnv): AuthConfig | undefined {
  const kmsKeyId = env.KEYS_KMS_KEY_ID || undefined;
  const localKey = env.KEYS_LOCAL_KEY || undefined;
  if (kmsKeyId !== undefined && localKey !== undefined) {
    throw new Error(
      'KEYS_KMS_KEY_ID and KEYS_LOCAL_KEY are both set; set one: they name different key ciphers',
    );
  }
  if (kmsKeyId !== undefined) return { cipher: { kind: 'kms', kmsKeyId } };
  if (localKey !== undefined)
    return { cipher: { kind: 'local', key: decodeLocalKey(localKey, 'KEYS_LOCAL_KEY') } };
  return undefined;
}

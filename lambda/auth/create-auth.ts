import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { AuthConfig, KeyCipherConfig } from '../config.js';
import { AccessKeyItems } from '../storage/dynamo/access-key-items.js';
import type { CapacityMeter } from '../storage/dynamo/capacity-meter.js';
import { Db } from '../storage/dynamo/db.js';
import { AccessKeys } from './access-keys.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';
import { KmsCipher } from './kms-cipher.js';
import { LocalCipher } from './local-cipher.js';
import type { SecretCipher } from './secret-cipher.js';

/** Authentication wired to the service's table: what createService and the keys CLI build. */
export interface AuthWiring {
  readonly authenticator: Authenticator;
  /** The table's keys: create, list, revoke. */
  readonly accessKeys: AccessKeys;
  /** Releases the KMS client, if any. */
  close(): void;
}

/** Where the keys live: the service's DynamoDB client and table. */
export interface KeyTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly region: string;
  readonly meter: CapacityMeter;
}

/** Builds the key store, cipher and authenticator for `auth`. */
export function createAuth(auth: AuthConfig, table: KeyTable): AuthWiring {
  const { accessKeys, close } = createAccessKeys(auth.cipher, table);
  const authenticator = createAuthenticator({
    region: table.region,
    keys: accessKeys,
    ...(auth.staticKeys ? { staticKeys: auth.staticKeys } : {}),
    ...(auth.keyCacheTtlMs !== undefined ? { keyCacheTtlMs: auth.keyCacheTtlMs } : {}),
  });
  return { authenticator, accessKeys, close };
}

/** The table's keys behind the configured cipher (the keys CLI needs only this). */
export function createAccessKeys(
  cipherConfig: KeyCipherConfig,
  table: KeyTable,
): { accessKeys: AccessKeys; close(): void } {
  const { cipher, close } = createCipher(cipherConfig, table.region);
  const store = new AccessKeyItems(new Db(table.client, table.tableName, table.meter));
  return { accessKeys: new AccessKeys(store, cipher), close };
}

function createCipher(config: KeyCipherConfig, region: string): { cipher: SecretCipher; close(): void } {
  if (config.kind === 'local') return { cipher: new LocalCipher(config.key), close: () => undefined };
  const kms = new KMSClient({ region });
  return { cipher: new KmsCipher(kms, config.kmsKeyId), close: () => kms.destroy() };
}

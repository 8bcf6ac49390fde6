import type { KeyStore, StoredAccessKey } from '../../auth/key-store.js';
import { parsePolicy } from '../../auth/policy.js';
import type { CipherKind } from '../../auth/secret-cipher.js';
import type { Db } from './db.js';
import { ACCESS_KEY_PARTITION, accessKeyKey } from './schema.js';

/**
 * Access keys in the service's table: `pk = KEY`, `sk = access key id`, with the name, the policy (as JSON), the
 * creation time and the secret as ciphertext (`secret`, binary) with the cipher that made it.
 */
export class AccessKeyItems implements KeyStore {
  constructor(private readonly db: Db) {}

  create(key: StoredAccessKey): Promise<boolean> {
    return this.db.put({
      Item: {
        ...accessKeyKey(key.accessKeyId),
        name: key.name,
        policy: JSON.stringify(key.policy),
        createdMs: key.createdMs,
        secret: key.secretCiphertext,
        cipher: key.cipher,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  async get(accessKeyId: string): Promise<StoredAccessKey | undefined> {
    // Strongly consistent: a key works as soon as `keys create` has printed it.
    const item = await this.db.get({ Key: accessKeyKey(accessKeyId), ConsistentRead: true });
    return item === undefined ? undefined : fromItem(item);
  }

  async list(): Promise<StoredAccessKey[]> {
    const keys: StoredAccessKey[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ACCESS_KEY_PARTITION },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) keys.push(fromItem(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return keys;
  }

  delete(accessKeyId: string): Promise<boolean> {
    return this.db.delete({ Key: accessKeyKey(accessKeyId), ConditionExpression: 'attribute_exists(pk)' });
  }
}

function fromItem(item: Record<string, unknown>): StoredAccessKey {
  const accessKeyId = String(item.sk);
  const { secret, cipher } = item;
  if (!(secret instanceof Uint8Array) || (cipher !== 'kms' && cipher !== 'local')) {
    throw new Error(`access key item ${accessKeyId} has no valid secret ciphertext`);
  }
  return {
    accessKeyId,
    name: String(item.name),
    policy: parsePolicy(JSON.parse(String(item.policy)), `policy of access key ${accessKeyId}`),
    createdMs: Number(item.createdMs),
    secretCiphertext: secret,
    cipher: cipher as CipherKind,
  };
}

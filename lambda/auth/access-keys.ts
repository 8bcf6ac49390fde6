import {
  type AccessKeyRecord,
  type AccessKeyWithSecret,
  generateAccessKeyId,
  generateSecretAccessKey,
  isSignableAccessKeyId,
  keyNameProblem,
} from './access-key.js';
import type { KeyStore, StoredAccessKey } from './key-store.js';
import { type AccessPolicy, PolicyError, parsePolicy } from './policy.js';
import type { SecretCipher } from './secret-cipher.js';

/** A mistake in what was asked of {@link AccessKeys}: shown to the CLI user as it is. */
export class AccessKeyError extends Error {
  override readonly name = 'AccessKeyError';
}

/**
 * Creating, listing, revoking and reading access keys: the store holds each secret only as the cipher's
 * ciphertext, and plain secrets exist only in memory (and once on the CLI's output).
 */
export class AccessKeys {
  constructor(
    private readonly store: KeyStore,
    private readonly cipher: SecretCipher,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Issues a new key with a generated id and secret; the secret is returned here and never again. */
  async create(name: string, policy: AccessPolicy): Promise<AccessKeyWithSecret> {
    const problem = keyNameProblem(name);
    if (problem !== undefined) throw new AccessKeyError(problem);
    checkPolicy(policy);
    // Ids are 80 random bits; a collision only costs another try.
    for (;;) {
      const key = {
        accessKeyId: generateAccessKeyId(),
        secretAccessKey: generateSecretAccessKey(),
        name,
        policy,
        createdMs: this.nowMs(),
      };
      if (await this.put(key)) return key;
    }
  }

  /**
   * Stores a key whose id and secret were chosen elsewhere (a test's fixed credentials); an id must be one a
   * client can sign with. False when the id is taken.
   */
  async import(key: Omit<AccessKeyWithSecret, 'createdMs'>): Promise<boolean> {
    if (!isSignableAccessKeyId(key.accessKeyId)) {
      throw new AccessKeyError(`'${key.accessKeyId}' cannot be an access key id`);
    }
    const problem = keyNameProblem(key.name);
    if (problem !== undefined) throw new AccessKeyError(problem);
    checkPolicy(key.policy);
    return this.put({ ...key, createdMs: this.nowMs() });
  }

  /** Every key without its secret, ordered by id. */
  async list(): Promise<AccessKeyRecord[]> {
    return (await this.store.list()).map(withoutSecret);
  }

  /** Deletes the key, and its ciphertext with it; false when there was no such key. */
  revoke(accessKeyId: string): Promise<boolean> {
    return this.store.delete(accessKeyId);
  }

  /** The key with its secret decrypted; undefined when there is no such key. */
  async find(accessKeyId: string): Promise<AccessKeyWithSecret | undefined> {
    const stored = await this.store.get(accessKeyId);
    if (stored === undefined) return undefined;
    if (stored.cipher !== this.cipher.kind) {
      throw new Error(
        `access key ${accessKeyId} was encrypted with the ${stored.cipher} cipher, but this service decrypts with ${this.cipher.kind}`,
      );
    }
    const secretAccessKey = await this.cipher.decrypt(stored.secretCiphertext, accessKeyId);
    return { ...withoutSecret(stored), secretAccessKey };
  }

  private async put(key: AccessKeyWithSecret): Promise<boolean> {
    const { secretAccessKey, ...record } = key;
    const secretCiphertext = await this.cipher.encrypt(secretAccessKey, key.accessKeyId);
    return this.store.create({ ...record, secretCiphertext, cipher: this.cipher.kind });
  }
}

/** A policy is checked before it is stored: a key whose policy cannot be read would fail every request. */
function checkPolicy(policy: AccessPolicy): void {
  try {
    parsePolicy(policy);
  } catch (error) {
    if (error instanceof PolicyError) throw new AccessKeyError(error.message);
    throw error;
  }
}

function withoutSecret(stored: StoredAccessKey): AccessKeyRecord {
  const { accessKeyId, name, policy, createdMs } = stored;
  return { accessKeyId, name, policy, createdMs };
}

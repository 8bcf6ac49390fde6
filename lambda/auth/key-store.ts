import type { AccessKeyRecord } from './access-key.js';
import type { CipherKind } from './secret-cipher.js';

/** A stored key: its record and its secret as ciphertext, never the plain secret. */
export interface StoredAccessKey extends AccessKeyRecord {
  readonly secretCiphertext: Uint8Array;
  /** The cipher that made `secretCiphertext`. */
  readonly cipher: CipherKind;
}

/** The port the access keys are kept behind; lambda/storage/dynamo/access-key-items.ts implements it. */
export interface KeyStore {
  /** Adds a key; false when a key with that id already exists (it is left unchanged). */
  create(key: StoredAccessKey): Promise<boolean>;
  get(accessKeyId: string): Promise<StoredAccessKey | undefined>;
  /** Every key, ordered by access key id. */
  list(): Promise<StoredAccessKey[]>;
  /** Removes a key; false when there was none. */
  delete(accessKeyId: string): Promise<boolean>;
}

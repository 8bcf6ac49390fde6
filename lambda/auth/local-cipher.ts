import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { encryptionContext, type SecretCipher } from './secret-cipher.js';

/** AES-256 takes a 32-byte key. */
export const LOCAL_KEY_BYTES = 32;

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets encrypted with AES-256-GCM under a 32-byte key held outside the table (a key file for `npm start` and
 * the keys CLI, or an environment variable for an offline test of the bundled Lambda). The encryption context is
 * the additional authenticated data, so a ciphertext only decrypts for the key id it was made for. A ciphertext
 * is `version (1) | iv (12) | tag (16) | encrypted secret`.
 */
export class LocalCipher implements SecretCipher {
  readonly kind = 'local' as const;
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== LOCAL_KEY_BYTES) {
      throw new Error(`the local key-encryption key must be ${LOCAL_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  async encrypt(secretAccessKey: string, accessKeyId: string): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(accessKeyId));
    const encrypted = Buffer.concat([cipher.update(secretAccessKey, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), encrypted]);
  }

  async decrypt(ciphertext: Uint8Array, accessKeyId: string): Promise<string> {
    const bytes = Buffer.from(ciphertext);
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_VERSION) {
      throw new Error(`the secret of access key ${accessKeyId} is not a local-cipher ciphertext`);
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(additionalData(accessKeyId));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new Error(
        `the secret of access key ${accessKeyId} does not decrypt with this key-encryption key (another key file, or altered)`,
        { cause },
      );
    }
  }
}

function additionalData(accessKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(encryptionContext(accessKeyId)), 'utf8');
}

/** Decodes a base64 key (`KEYS_LOCAL_KEY`); throws unless it is exactly 32 bytes. */
export function decodeLocalKey(base64: string, source: string): Uint8Array {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== LOCAL_KEY_BYTES) {
    throw new Error(
      `${source} must be ${LOCAL_KEY_BYTES} bytes in base64 (e.g. from \`openssl rand -base64 32\`), got ${key.length} bytes`,
    );
  }
  return key;
}

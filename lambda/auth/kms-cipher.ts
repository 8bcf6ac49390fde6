import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { encryptionContext, type SecretCipher } from './secret-cipher.js';

/**
 * Secrets encrypted by a KMS key (symmetric, ENCRYPT_DECRYPT) with the encryption context of
 * {@link encryptionContext}. Decrypt names the key too, so a ciphertext made under any other key is refused.
 */
export class KmsCipher implements SecretCipher {
  readonly kind = 'kms' as const;

  constructor(
    private readonly client: KMSClient,
    /** Key id, key ARN, alias name or alias ARN. */
    private readonly keyId: string,
  ) {}

  async encrypt(secretAccessKey: string, accessKeyId: string): Promise<Uint8Array> {
    const out = await this.client.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(secretAccessKey, 'utf8'),
        EncryptionContext: encryptionContext(accessKeyId),
      }),
    );
    if (out.CiphertextBlob === undefined) throw new Error('KMS Encrypt returned no CiphertextBlob');
    return out.CiphertextBlob;
  }

  async decrypt(ciphertext: Uint8Array, accessKeyId: string): Promise<string> {
    const out = await this.client.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: ciphertext,
        EncryptionContext: encryptionContext(accessKeyId),
      }),
    );
    if (out.Plaintext === undefined) throw new Error('KMS Decrypt returned no Plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}

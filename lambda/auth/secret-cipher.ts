/**
 * The port that keeps access-key secrets out of the table in plain text: KMS in AWS (kms-cipher.ts), AES-256-GCM
 * with a local key file on a laptop (local-cipher.ts). Each ciphertext is bound to its access key id, so an item's
 * secret cannot be copied onto another key's item.
 */
export interface SecretCipher {
  /** Which implementation wrote a ciphertext; stored with it, so a mismatch is reported rather than guessed at. */
  readonly kind: CipherKind;
  encrypt(secretAccessKey: string, accessKeyId: string): Promise<Uint8Array>;
  /** Throws when the ciphertext was not made by this cipher for `accessKeyId` (or was altered). */
  decrypt(ciphertext: Uint8Array, accessKeyId: string): Promise<string>;
}

export type CipherKind = 'kms' | 'local';

/** The `purpose` every secret's encryption context carries; the stack's kms:Decrypt grant is conditioned on it. */
export const ENCRYPTION_PURPOSE = 'dynamo-sqs-access-key';

/**
 * The KMS encryption context of one key's secret (and the GCM additional data of the local cipher): exactly
 * `{ purpose, accessKeyId }`.
 */
export function encryptionContext(accessKeyId: string): Record<string, string> {
  return { purpose: ENCRYPTION_PURPOSE, accessKeyId };
}

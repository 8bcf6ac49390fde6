import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KmsCipher } from '../../lambda/auth/kms-cipher.js';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

interface KmsCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

/**
 * A real `@aws-sdk/client-kms` whose HTTP layer answers as KMS does for a symmetric key: Encrypt binds the
 * ciphertext to its encryption context, and Decrypt with any other context (or key) is InvalidCiphertextException.
 * Every request the SDK serialised is kept, to check what the stack's IAM condition will see.
 */
function kmsClient(): { client: KMSClient; calls: KmsCall[] } {
  const calls: KmsCall[] = [];
  const sealed = new Map<string, { plaintext: string; context: string; keyId: string }>();
  const client = new KMSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: string | Uint8Array }) => {
        const target = request.headers['x-amz-target'] ?? '';
        const raw = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        calls.push({ target, body });
        const context = JSON.stringify(body.EncryptionContext ?? {});
        let status = 200;
        let answer: Record<string, unknown>;
        if (target === 'TrentService.Encrypt') {
          const blob = randomBytes(32).toString('base64');
          sealed.set(blob, { plaintext: String(body.Plaintext), context, keyId: String(body.KeyId) });
          answer = { CiphertextBlob: blob, KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
        } else {
          const entry = sealed.get(String(body.CiphertextBlob));
          if (entry === undefined || entry.context !== context || entry.keyId !== body.KeyId) {
            status = 400;
            answer = { __type: 'InvalidCiphertextException', message: '' };
          } else {
            answer = { Plaintext: entry.plaintext, KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
          }
        }
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: new TextEncoder().encode(JSON.stringify(answer)),
          },
        };
      },
    },
  });
  return { client, calls };
}

describe('KmsCipher', () => {
  it('encrypts under the key with exactly { purpose, accessKeyId } as the encryption context', async () => {
    const { client, calls } = kmsClient();
    const cipher = new KmsCipher(client, KEY_ARN);

    await cipher.encrypt('secret', 'DSQSAAAAAAAAAAAAAAAA');

    expect(calls).toEqual([
      {
        target: 'TrentService.Encrypt',
        body: {
          KeyId: KEY_ARN,
          Plaintext: Buffer.from('secret').toString('base64'),
          EncryptionContext: { purpose: 'dynamo-sqs-access-key', accessKeyId: 'DSQSAAAAAAAAAAAAAAAA' },
        },
      },
    ]);
  });

  it('decrypts with the same context and key, and gets the secret back', async () => {
    const { client, calls } = kmsClient();
    const cipher = new KmsCipher(client, KEY_ARN);
    const ciphertext = await cipher.encrypt(
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      'DSQSAAAAAAAAAAAAAAAA',
    );

    const secret = await cipher.decrypt(ciphertext, 'DSQSAAAAAAAAAAAAAAAA');

    expect(secret).toBe('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    expect(calls[1]).toEqual({
      target: 'TrentService.Decrypt',
      body: {
        KeyId: KEY_ARN,
        CiphertextBlob: Buffer.from(ciphertext).toString('base64'),
        EncryptionContext: { purpose: 'dynamo-sqs-access-key', accessKeyId: 'DSQSAAAAAAAAAAAAAAAA' },
      },
    });
  });

  it('fails for a ciphertext made for another access key id', async () => {
    const { client } = kmsClient();
    const cipher = new KmsCipher(client, KEY_ARN);
    const ciphertext = await cipher.encrypt('secret', 'DSQSAAAAAAAAAAAAAAAA');

    await expect(cipher.decrypt(ciphertext, 'DSQSBBBBBBBBBBBBBBBB')).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });
});

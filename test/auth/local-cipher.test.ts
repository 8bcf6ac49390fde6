import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeLocalKey, LocalCipher } from '../../lambda/auth/local-cipher.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('LocalCipher (AES-256-GCM)', () => {
  it('decrypts what it encrypted for the same key id', async () => {
    const cipher = new LocalCipher(randomBytes(32));

    const ciphertext = await cipher.encrypt(SECRET, 'DSQSAAAAAAAAAAAAAAAA');

    expect(Buffer.from(ciphertext).includes(Buffer.from(SECRET))).toBe(false);
    await expect(cipher.decrypt(ciphertext, 'DSQSAAAAAAAAAAAAAAAA')).resolves.toBe(SECRET);
  });

  it('makes a different ciphertext each time', async () => {
    const cipher = new LocalCipher(randomBytes(32));

    const first = await cipher.encrypt(SECRET, 'k');
    const second = await cipher.encrypt(SECRET, 'k');

    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('refuses a tampered ciphertext', async () => {
    const cipher = new LocalCipher(randomBytes(32));
    const ciphertext = Buffer.from(await cipher.encrypt(SECRET, 'k'));

    ciphertext[ciphertext.length - 1] = (ciphertext[ciphertext.length - 1] ?? 0) ^ 1;

    await expect(cipher.decrypt(ciphertext, 'k')).rejects.toThrow(/does not decrypt/);
  });

  it('refuses a ciphertext made for another key id (a secret copied onto another key)', async () => {
    const cipher = new LocalCipher(randomBytes(32));
    const ciphertext = await cipher.encrypt(SECRET, 'first');

    await expect(cipher.decrypt(ciphertext, 'second')).rejects.toThrow(/does not decrypt/);
  });

  it('refuses a ciphertext made under another key-encryption key', async () => {
    const ciphertext = await new LocalCipher(randomBytes(32)).encrypt(SECRET, 'k');

    await expect(new LocalCipher(randomBytes(32)).decrypt(ciphertext, 'k')).rejects.toThrow(
      /does not decrypt/,
    );
  });

  it('refuses a truncated ciphertext', async () => {
    await expect(new LocalCipher(randomBytes(32)).decrypt(new Uint8Array([1, 2, 3]), 'k')).rejects.toThrow(
      /not a local-cipher ciphertext/,
    );
  });

  it('needs a 32-byte key', () => {
    expect(() => new LocalCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('decodeLocalKey', () => {
  it('reads 32 bytes of base64', () => {
    const key = randomBytes(32);

    expect(Buffer.from(decodeLocalKey(key.toString('base64'), 'KEYS_LOCAL_KEY')).equals(key)).toBe(true);
  });

  it('refuses another length or non-base64 text, naming the setting', () => {
    expect(() => decodeLocalKey(randomBytes(16).toString('base64'), 'KEYS_LOCAL_KEY')).toThrow(
      /KEYS_LOCAL_KEY must be 32 bytes in base64/,
    );
    expect(() => decodeLocalKey('not base64!', 'KEYS_LOCAL_KEY')).toThrow(/KEYS_LOCAL_KEY/);
  });
});

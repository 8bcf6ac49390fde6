import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeLocalKey, LOCAL_KEY_BYTES } from '../lambda/auth/local-cipher.js';
import { StartupError } from './startup-error.js';

/**
 * The key that encrypts the access keys' secrets on a laptop (`npm start -- --auth` and `npm run keys`):
 * `.data/key-encryption-key` in the repo, next to DynamoDB Local's data. In AWS, KMS does this instead.
 */
export const DEFAULT_KEY_FILE = fileURLToPath(new URL('../.data/key-encryption-key', import.meta.url));

/**
 * Reads the 32-byte key (base64 text) from `path`, creating it with 32 random bytes and mode 0600 when it does not
 * exist yet. Two processes creating it at once both end up with the one that was written first.
 * @throws StartupError when the file cannot be read or does not hold a key
 */
export async function loadKeyEncryptionKey(path: string): Promise<{ key: Uint8Array; created: boolean }> {
  const created = await createIfMissing(path);
  let text = '';
  // Another process may have created the file an instant ago and not written it yet.
  for (let attempt = 0; attempt < 20 && text.trim() === ''; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new StartupError(`cannot read the key-encryption key ${path}: ${(error as Error).message}`);
    }
  }
  try {
    const key = decodeLocalKey(text, `the key-encryption key ${path}`);
    await warnIfReadableByOthers(path);
    return { key, created };
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
}

async function createIfMissing(path: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  let file: Awaited<ReturnType<typeof open>>;
  try {
    // 'wx' fails when the file exists, so an existing key is never overwritten.
    file = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StartupError(`cannot create the key-encryption key ${path}: ${(error as Error).message}`);
  }
  try {
    await file.writeFile(`${randomBytes(LOCAL_KEY_BYTES).toString('base64')}\n`, 'utf8');
  } finally {
    await file.close();
  }
  return true;
}

async function warnIfReadableByOthers(path: string): Promise<void> {
  const { mode } = await stat(path);
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    console.warn(`warning: ${path} is readable by other users; \`chmod 600 ${path}\` keeps the key yours`);
  }
}

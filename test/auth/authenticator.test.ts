import { randomBytes } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { AccessKeys } from '../../lambda/auth/access-keys.js';
import {
  createAuthenticator,
  KEY_CACHE_TTL_MS,
  UNKNOWN_KEY_CACHE_TTL_MS,
} from '../../lambda/auth/authenticator.js';
import type { KeyStore, StoredAccessKey } from '../../lambda/auth/key-store.js';
import { LocalCipher } from '../../lambda/auth/local-cipher.js';
import { FULL_ACCESS } from '../../lambda/auth/policy.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';

/** A key store in memory that counts its reads and can be made to fail, to see what the cache saves. */
class CountingStore implements KeyStore {
  readonly keys = new Map<string, StoredAccessKey>();
  reads = 0;
  failing = false;

  async create(key: StoredAccessKey) {
    if (this.keys.has(key.accessKeyId)) return false;
    this.keys.set(key.accessKeyId, key);
    return true;
  }
  async get(accessKeyId: string) {
    this.reads++;
    if (this.failing) throw new Error('DynamoDB is unreachable');
    return this.keys.get(accessKeyId);
  }
  async list() {
    return [...this.keys.values()];
  }
  async delete(accessKeyId: string) {
    return this.keys.delete(accessKeyId);
  }
}

const START_MS = Date.UTC(2026, 2, 1, 12);

function setup() {
  const store = new CountingStore();
  const keys = new AccessKeys(store, new LocalCipher(randomBytes(32)));
  let nowMs = START_MS;
  const authenticator = createAuthenticator({ region: 'us-east-1', keys, nowMs: () => nowMs });
  return {
    store,
    keys,
    authenticator,
    advance: (ms: number) => {
      nowMs += ms;
    },
    now: () => nowMs,
  };
}

async function signedRequest(
  credentials: { accessKeyId: string; secretAccessKey: string },
  atMs: number,
): Promise<HttpRequest> {
  const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials, sha256: Sha256 });
  const body = '{}';
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: 'sqs.example.com',
      path: '/',
      headers: { host: 'sqs.example.com', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body,
    },
    { signingDate: new Date(atMs) },
  );
  return { method: 'POST', path: '/', headers: { ...signed.headers }, body };
}

describe('createAuthenticator', () => {
  it('names the caller with its key’s name and policy', async () => {
    const { keys, authenticator, now } = setup();
    const key = await keys.create('worker', FULL_ACCESS);

    const result = await authenticator.authenticate(await signedRequest(key, now()));

    expect(result).toEqual({
      ok: true,
      caller: { accessKeyId: key.accessKeyId, name: 'worker', policy: FULL_ACCESS },
    });
  });

  it('reads a key once per TTL, however many requests use it', async () => {
    const { store, keys, authenticator, advance, now } = setup();
    const key = await keys.create('busy', FULL_ACCESS);

    await Promise.all([1, 2, 3].map(async () => authenticator.authenticate(await signedRequest(key, now()))));
    advance(KEY_CACHE_TTL_MS - 1);
    await authenticator.authenticate(await signedRequest(key, now()));
    const readsWithinTtl = store.reads;
    advance(1);
    await authenticator.authenticate(await signedRequest(key, now()));

    expect(readsWithinTtl).toBe(1);
    expect(store.reads).toBe(2);
  });

  it('refuses a revoked key once the TTL has passed', async () => {
    const { keys, authenticator, advance, now } = setup();
    const key = await keys.create('revoked', FULL_ACCESS);
    await authenticator.authenticate(await signedRequest(key, now()));

    await keys.revoke(key.accessKeyId);
    const cached = await authenticator.authenticate(await signedRequest(key, now()));
    advance(KEY_CACHE_TTL_MS);
    const after = await authenticator.authenticate(await signedRequest(key, now()));

    expect(cached.ok).toBe(true);
    expect(after).toMatchObject({ ok: false, code: 'InvalidClientTokenId', status: 403 });
  });

  it('remembers an unknown key for a short time only, so a new key soon works', async () => {
    const { store, keys, authenticator, advance, now } = setup();
    const unknown = { accessKeyId: 'DSQSNOTYETCREATED234', secretAccessKey: 's'.repeat(40) };

    await authenticator.authenticate(await signedRequest(unknown, now()));
    await authenticator.authenticate(await signedRequest(unknown, now()));
    const readsWhileCached = store.reads;
    await keys.import({ ...unknown, name: 'late', policy: FULL_ACCESS });
    advance(UNKNOWN_KEY_CACHE_TTL_MS);
    const result = await authenticator.authenticate(await signedRequest(unknown, now()));

    expect(readsWhileCached).toBe(1);
    expect(result.ok).toBe(true);
  });

  it('does not cache a failed read: the request fails, the next one reads again', async () => {
    const { store, keys, authenticator, now } = setup();
    const key = await keys.create('flaky', FULL_ACCESS);

    store.failing = true;
    await expect(authenticator.authenticate(await signedRequest(key, now()))).rejects.toThrow(/unreachable/);
    store.failing = false;
    const result = await authenticator.authenticate(await signedRequest(key, now()));

    expect(result.ok).toBe(true);
    expect(store.reads).toBe(2);
  });

  it('accepts static keys without reading the table', async () => {
    const store = new CountingStore();
    const staticKey = {
      accessKeyId: 'DEVKEY',
      secretAccessKey: 'devsecret',
      name: 'dev',
      policy: FULL_ACCESS,
    };
    const authenticator = createAuthenticator({
      region: 'us-east-1',
      keys: new AccessKeys(store, new LocalCipher(randomBytes(32))),
      staticKeys: [staticKey],
    });

    const result = await authenticator.authenticate(await signedRequest(staticKey, Date.now()));

    expect(result.ok).toBe(true);
    expect(store.reads).toBe(0);
  });
});

import type { HttpRequest } from '../protocol/http.js';
import type { AccessKeyWithSecret } from './access-key.js';
import type { AccessKeys } from './access-keys.js';
import type { AuthFailure } from './auth-errors.js';
import type { AccessPolicy } from './policy.js';
import { verifySignature } from './sigv4.js';

/**
 * How long a looked-up key (its decrypted secret and policy) is reused: a revoked key stops working, and a
 * changed one changes, within this time on every instance.
 */
export const KEY_CACHE_TTL_MS = 60_000;
/** How long "no such key" is remembered, so a client with a wrong key id costs one read per 5 s, not per request. */
export const UNKNOWN_KEY_CACHE_TTL_MS = 5_000;
/** Cached keys per process; the oldest entry goes first, so random key ids cannot grow memory without bound. */
export const MAX_CACHED_KEYS = 1_000;

/** The key a request was signed with, once its signature has been verified. */
export interface Caller {
  readonly accessKeyId: string;
  readonly name: string;
  readonly policy: AccessPolicy;
}

export type Authentication = { readonly ok: true; readonly caller: Caller } | AuthFailure;

/** Checks a request's SigV4 signature against the service's keys. */
export interface Authenticator {
  /** @param service the credential scope's service: `sns` for SNS requests. @default 'sqs' */
  authenticate(request: HttpRequest, service?: string): Promise<Authentication>;
}

/** A key held in memory only: `npm start --keys <file>`. */
export type StaticAccessKey = Omit<AccessKeyWithSecret, 'createdMs'>;

export interface AuthenticatorOptions {
  /** Region the credential scope must name. */
  readonly region: string;
  /** The table's keys. */
  readonly keys: AccessKeys;
  /** Keys that are not in the table and never expire. @default - none */
  readonly staticKeys?: readonly StaticAccessKey[];
  /** @default KEY_CACHE_TTL_MS */
  readonly keyCacheTtlMs?: number;
  /** @default UNKNOWN_KEY_CACHE_TTL_MS */
  readonly unknownKeyCacheTtlMs?: number;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

interface CacheEntry {
  readonly expiresMs: number;
  readonly key: Promise<(Caller & { secretAccessKey: string }) | undefined>;
}

/**
 * An authenticator over the table's keys and any static keys, with a per-process cache: each key is read (and its
 * secret decrypted) at most once per TTL, and concurrent requests with the same key share one read. A failed read
 * is not cached: the request answers InternalError and the next one tries again.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const ttlMs = options.keyCacheTtlMs ?? KEY_CACHE_TTL_MS;
  const unknownTtlMs = options.unknownKeyCacheTtlMs ?? UNKNOWN_KEY_CACHE_TTL_MS;
  const now = options.nowMs ?? Date.now;
  const staticKeys = new Map((options.staticKeys ?? []).map((key) => [key.accessKeyId, key]));
  const cache = new Map<string, CacheEntry>();

  function lookUp(accessKeyId: string): CacheEntry['key'] {
    const fixed = staticKeys.get(accessKeyId);
    if (fixed !== undefined) return Promise.resolve(fixed);
    const nowMs = now();
    const cached = cache.get(accessKeyId);
    if (cached !== undefined && cached.expiresMs > nowMs) return cached.key;
    cache.delete(accessKeyId);
    const key = options.keys.find(accessKeyId);
    const entry = { expiresMs: nowMs + ttlMs, key };
    cache.set(accessKeyId, entry);
    while (cache.size > MAX_CACHED_KEYS) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    key.then(
      (found) => {
        if (found === undefined && cache.get(accessKeyId) === entry) {
          cache.set(accessKeyId, { expiresMs: nowMs + unknownTtlMs, key });
        }
      },
      () => {
        if (cache.get(accessKeyId) === entry) cache.delete(accessKeyId);
      },
    );
    return key;
  }

  return {
    async authenticate(request, service) {
      let caller: Caller | undefined;
      const check = await verifySignature(request, {
        region: options.region,
        ...(service === undefined ? {} : { service }),
        nowMs: now(),
        lookupKey: async (accessKeyId) => {
          const key = await lookUp(accessKeyId);
          if (key === undefined) return undefined;
          caller = { accessKeyId: key.accessKeyId, name: key.name, policy: key.policy };
          return { secretAccessKey: key.secretAccessKey };
        },
      });
      if (!check.ok) return check;
      if (caller === undefined) throw new Error('a verified signature without its key');
      return { ok: true, caller };
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { AccessPolicy } from './policy.js';

/** What every access key this service issues starts with, so one is recognised on sight (AWS's start with AKIA). */
export const ACCESS_KEY_PREFIX = 'DSQS';
/** AWS access key ids are 20 characters; so are ours. */
export const ACCESS_KEY_ID_LENGTH = 20;
/** AWS secret access keys are 40 characters; so are ours. */
export const SECRET_LENGTH = 40;

/** Upper-case letters and digits 2-7 (RFC 4648 base32), the alphabet of AWS access key ids. */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ISSUED_ID = new RegExp(
  `^${ACCESS_KEY_PREFIX}[${ID_ALPHABET}]{${ACCESS_KEY_ID_LENGTH - ACCESS_KEY_PREFIX.length}}$`,
);
/** Any id a client can sign with: SigV4 only rules out `/`, which separates the credential scope. */
const SIGNABLE_ID = /^[A-Za-z0-9_+=,.@-]{1,128}$/;
/** A key's name: IAM user-name characters, so it reads well in an AccessDenied message. */
const KEY_NAME = /^[A-Za-z0-9_+=,.@-]{1,64}$/;

/** A key as the table holds it: everything but the plain secret. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  /** Who or what the key is for, e.g. `orders-worker`. */
  readonly name: string;
  readonly policy: AccessPolicy;
  readonly createdMs: number;
}

/** A key with its secret in plain text: only in memory, and shown once by `keys create`. */
export interface AccessKeyWithSecret extends AccessKeyRecord {
  readonly secretAccessKey: string;
}

/** A new access key id: the prefix and 16 random base32 characters. */
export function generateAccessKeyId(): string {
  const bytes = randomBytes(ACCESS_KEY_ID_LENGTH - ACCESS_KEY_PREFIX.length);
  return ACCESS_KEY_PREFIX + Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

/** A new secret: 30 random bytes as 40 base64 characters, the length and alphabet of AWS secrets. */
export function generateSecretAccessKey(): string {
  return randomBytes((SECRET_LENGTH * 3) / 4).toString('base64');
}

/** Whether `id` looks like a key this service issued. */
export function isIssuedAccessKeyId(id: string): boolean {
  return ISSUED_ID.test(id);
}

/** Whether a client could sign with `id` at all; imported keys (dev key files, tests) need only this. */
export function isSignableAccessKeyId(id: string): boolean {
  return SIGNABLE_ID.test(id);
}

/** The problem with a key name, or undefined. */
export function keyNameProblem(name: string): string | undefined {
  return KEY_NAME.test(name)
    ? undefined
    : `the key name must be 1 to 64 letters, digits and _+=,.@- characters, got '${name}'`;
}

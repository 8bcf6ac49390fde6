import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '../protocol/http.js';
import { type AuthFailure, fail, MISMATCH, MISSING_TOKEN, UNKNOWN_KEY } from './auth-errors.js';
import { NodeSha256 } from './node-sha256.js';
import {
  type CheckedClaim,
  type Claim,
  checkClaim,
  formatAmzDate,
  PRESIGN_PARAMS,
  readAuthorizationHeader,
  readPresignedQuery,
  SIGNING_SERVICE,
} from './sigv4-claim.js';

export type { AuthErrorCode, AuthFailure } from './auth-errors.js';

/** How far X-Amz-Date may be from the service's clock, either way, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Finds the secret of an access key; `undefined` when the key is unknown or revoked. */
export type KeyLookup = (accessKeyId: string) => Promise<{ secretAccessKey: string } | undefined>;

/** The outcome of {@link verifySignature}: the caller's access key, or why it was refused. */
export type SignatureCheck = { readonly ok: true; readonly accessKeyId: string } | AuthFailure;

/** What {@link verifySignature} checks a request against. */
export interface VerifySignatureOptions {
  /** Region the credential scope must name, e.g. `us-east-1`. */
  readonly region: string;
  readonly lookupKey: KeyLookup;
  /** The service's clock, in epoch milliseconds. */
  readonly nowMs: number;
  /** The service the credential scope must name: `sns` for SNS requests on the same endpoint. @default 'sqs' */
  readonly service?: string;
}

/**
 * Verifies a request's AWS Signature Version 4 for service `sqs`, header-signed or presigned, by
 * re-signing it with `@smithy/signature-v4` at its own X-Amz-Date with the looked-up secret. Auth
 * failures are values, not exceptions; none depends on the queue a request names.
 */
export async function verifySignature(
  request: HttpRequest,
  options: VerifySignatureOptions,
): Promise<SignatureCheck> {
  const query = parseQuery(request.query ?? '');
  const authorization = request.headers.authorization;
  const presigned =
    query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature') || query.has('X-Amz-Credential');
  if (authorization === undefined && !presigned) return fail('MissingAuthenticationToken', MISSING_TOKEN);
  if (authorization !== undefined && presigned) {
    return fail(
      'IncompleteSignature',
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  const claim =
    authorization === undefined
      ? readPresignedQuery(query)
      : readAuthorizationHeader(authorization, request.headers['x-amz-date']);
  if (!claim.ok) return claim;
  const service = options.service ?? SIGNING_SERVICE;
  const checked = checkClaim(claim, options.region, service);
  if (!checked.ok) return checked;

  const key = await options.lookupKey(checked.accessKeyId);
  if (key === undefined) return fail('InvalidClientTokenId', UNKNOWN_KEY);

  const expired = checkTime(checked.signingMs, claim.expiresSeconds, options.nowMs);
  if (expired !== undefined) return expired;

  const expected = await recomputeSignature(
    request,
    query,
    claim,
    checked,
    options.region,
    key.secretAccessKey,
    service,
  );
  if (expected === undefined || !isSameSignature(expected, claim.signature)) {
    return fail('SignatureDoesNotMatch', MISMATCH);
  }
  return { ok: true, accessKeyId: checked.accessKeyId };
}

/** A header signature may be 15 minutes off either way; a presigned URL lasts X-Amz-Expires seconds. */
function checkTime(
  signingMs: number,
  expiresSeconds: number | undefined,
  nowMs: number,
): AuthFailure | undefined {
  if (signingMs - nowMs > MAX_CLOCK_SKEW_MS) {
    return fail(
      'RequestExpired',
      `Signature not yet current: ${formatAmzDate(signingMs)} is still later than ${formatAmzDate(nowMs + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(nowMs)} + 15 min.)`,
    );
  }
  if (expiresSeconds !== undefined) {
    return nowMs > signingMs + secondsToMs(expiresSeconds)
      ? fail('RequestExpired', 'Request has expired.')
      : undefined;
  }
  if (nowMs - signingMs > MAX_CLOCK_SKEW_MS) {
    return fail(
      'RequestExpired',
      `Signature expired: ${formatAmzDate(signingMs)} is now earlier than ${formatAmzDate(nowMs - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(nowMs)} - 15 min.)`,
    );
  }
  return undefined;
}

/**
 * Signs the request again, as the client did, with only the headers it signed. Returns `undefined` when
 * a signed x-amz-content-sha256 does not describe the body, since the signer would trust that header.
 */
async function recomputeSignature(
  request: HttpRequest,
  query: URLSearchParams,
  claim: Claim,
  checked: CheckedClaim,
  region: string,
  secretAccessKey: string,
  service: string,
): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  for (const name of checked.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const contentSha256 = headers['x-amz-content-sha256'];
  if (
    contentSha256 !== undefined &&
    contentSha256 !== createHash('sha256').update(request.body, 'utf8').digest('hex')
  ) {
    return undefined;
  }
  const presigned = claim.expiresSeconds !== undefined;
  const toSign = {
    method: request.method,
    protocol: 'https:',
    hostname: headers.host ?? '',
    path: decodePath(request.path),
    query: toSignerQuery(query, presigned ? PRESIGN_PARAMS : []),
    headers,
    body: request.body,
  };
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: checked.accessKeyId, secretAccessKey },
    sha256: NodeSha256,
    // A client that sent x-amz-content-sha256 signed it (it is then in `headers`); none is added here.
    applyChecksum: false,
  });
  const signingDate = new Date(checked.signingMs);
  const signableHeaders = new Set(checked.signedHeaders);
  if (claim.expiresSeconds !== undefined) {
    const signed = await signer.presign(toSign, {
      signingDate,
      expiresIn: claim.expiresSeconds,
      signableHeaders,
      unhoistableHeaders: signableHeaders,
    });
    const signature = signed.query?.['X-Amz-Signature'];
    return typeof signature === 'string' ? signature : undefined;
  }
  const signed = await signer.sign(toSign, { signingDate, signableHeaders });
  return /Signature=([0-9a-f]+)$/.exec(signed.headers.authorization ?? '')?.[1];
}

function isSameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Query parameters as the client signed them: decoded, repeated names as lists, auth params left out. */
function toSignerQuery(query: URLSearchParams, omit: readonly string[]): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    if (omit.includes(name)) continue;
    const values = query.getAll(name);
    result[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return result;
}

function parseQuery(raw: string): URLSearchParams {
  return new URLSearchParams(raw);
}

/** The signer escapes the path itself, so it wants it as the client had it, before escaping. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function secondsToMs(seconds: number): number {
  return seconds * 1000;
}

import { type AuthFailure, fail } from './auth-errors.js';

/** The service name every SQS client signs for. */
export const SIGNING_SERVICE = 'sqs';

/** SigV4 caps a presigned URL's X-Amz-Expires at one week. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** The query parameters of a presigned URL that carry its signature. */
export const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
];

/** The signature fields a request claims, from its Authorization header or its presigned query. */
export interface Claim {
  readonly ok: true;
  readonly credential: string;
  readonly amzDate: string;
  readonly signedHeaders: string;
  readonly signature: string;
  /** Only for query-string (presigned) requests. */
  readonly expiresSeconds?: number;
}

/** Reads `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` and X-Amz-Date. */
export function readAuthorizationHeader(header: string, amzDate: string | undefined): Claim | AuthFailure {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return fail(
      'IncompleteSignature',
      `Unsupported authorization type: '${algorithm.slice(0, 40)}'. Use ${ALGORITHM}.`,
    );
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const pair = part.trim();
    const equals = pair.indexOf('=');
    if (equals === -1) {
      return fail(
        'IncompleteSignature',
        `'${pair.slice(0, 100)}' not a valid key=value pair (missing equal-sign) in Authorization header.`,
      );
    }
    fields.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return fail(
      'IncompleteSignature',
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '),
    );
  }
  if (amzDate === undefined) {
    return fail('IncompleteSignature', "Authorization header requires existence of an 'X-Amz-Date' header.");
  }
  return {
    ok: true,
    credential: fields.get('Credential') ?? '',
    amzDate,
    signedHeaders: fields.get('SignedHeaders') ?? '',
    signature: fields.get('Signature') ?? '',
  };
}

/** Reads the X-Amz-* parameters of a presigned URL. */
export function readPresignedQuery(query: URLSearchParams): Claim | AuthFailure {
  const missing = PRESIGN_PARAMS.filter((name) => !query.get(name));
  if (missing.length > 0) {
    return fail(
      'IncompleteSignature',
      missing.map((name) => `Query-string authentication requires the ${name} parameter.`).join(' '),
    );
  }
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    return fail('IncompleteSignature', `X-Amz-Algorithm only supports '${ALGORITHM}'.`);
  }
  const expires = query.get('X-Amz-Expires') ?? '';
  const expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGNED_EXPIRES_SECONDS)) {
    return fail(
      'IncompleteSignature',
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (one week).`,
    );
  }
  return {
    ok: true,
    credential: query.get('X-Amz-Credential') ?? '',
    amzDate: query.get('X-Amz-Date') ?? '',
    signedHeaders: query.get('X-Amz-SignedHeaders') ?? '',
    signature: query.get('X-Amz-Signature') ?? '',
    expiresSeconds,
  };
}

export interface CheckedClaim {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly amzDate: string;
  readonly signingMs: number;
  readonly signedHeaders: readonly string[];
}

/** Checks the credential scope (for `service`: `sqs`, or `sns` for SNS requests), the date and the signed-header list before any key is looked up. */
export function checkClaim(
  claim: Claim,
  region: string,
  service: string = SIGNING_SERVICE,
): CheckedClaim | AuthFailure {
  const { amzDate } = claim;
  const parts = claim.credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    return fail(
      'IncompleteSignature',
      `Credential is malformed; expecting "<AccessKeyId>/YYYYMMDD/${region}/${service}/${TERMINATOR}".`,
    );
  }
  const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator] = parts;
  // AWS answers a well-formed scope for another region or service as a bad signature (InvalidSignatureException
  // on JSON services, SignatureDoesNotMatch on S3 and Query ones), 403, not as an incomplete one.
  if (scopeRegion !== region) {
    return fail(
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${scopeRegion}'.`,
    );
  }
  if (scopeService !== service) {
    return fail('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'.`);
  }
  if (terminator !== TERMINATOR) {
    return fail(
      'IncompleteSignature',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`,
    );
  }
  const signingMs = parseAmzDate(amzDate);
  if (signingMs === undefined) {
    return fail(
      'IncompleteSignature',
      `X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z', not '${amzDate.slice(0, 40)}'.`,
    );
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return fail(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const signedHeaders = claim.signedHeaders.split(';');
  if (!signedHeaders.every((name) => HEADER_NAME.test(name))) {
    return fail(
      'IncompleteSignature',
      'SignedHeaders must be lower-case header names separated by semicolons.',
    );
  }
  // Without host (and, for a signed header, x-amz-date) a captured signature replays elsewhere or later.
  const required = claim.expiresSeconds === undefined ? ['host', 'x-amz-date'] : ['host'];
  const unsigned = required.filter((name) => !signedHeaders.includes(name));
  if (unsigned.length > 0) {
    return fail(
      'IncompleteSignature',
      `${unsigned.map((name) => `'${name}'`).join(' and ')} must be signed (SignedHeaders).`,
    );
  }
  return { ok: true, accessKeyId, amzDate, signingMs, signedHeaders };
}

function parseAmzDate(amzDate: string): number | undefined {
  const match = AMZ_DATE.exec(amzDate);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return formatAmzDate(ms) === amzDate ? ms : undefined;
}

/** Epoch milliseconds as X-Amz-Date's ISO 8601 basic format, e.g. `20260301T120000Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

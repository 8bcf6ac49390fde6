import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** An access key as the person typed it; kept in sessionStorage only (see session.ts). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

/** A request about to be sent with fetch: path already URL-encoded, query as name -> value. */
export interface UnsignedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Adds a SigV4 signature (service `sqs`, as the console API expects) to a request for this page's origin.
 * The SHA-256 is @aws-crypto/sha256-js rather than WebCrypto, which browsers offer only on https and localhost:
 * a service reached over plain http on a LAN address must still be able to sign.
 */
export async function signRequest(
  request: UnsignedRequest,
  credentials: Credentials,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'sqs',
    region: credentials.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: request.method,
    protocol: location.protocol,
    hostname: location.hostname,
    ...(location.port === '' ? {} : { port: Number(location.port) }),
    path: request.path,
    query: { ...request.query },
    headers: { ...request.headers, host: location.host },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    // The browser sets Host itself (to the same value); fetch refuses to be given one.
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  return headers;
}

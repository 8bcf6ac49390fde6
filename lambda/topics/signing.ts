import { createSign, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { SigningMaterial } from './types.js';

/**
 * The service's message-signing key and a self-signed X.509 certificate for it, which subscribers fetch from the
 * SigningCertURL to verify a notification the way SNS message validators do. Node can make the key pair but not a
 * certificate, so the certificate is built here in DER: the few structures RFC 5280 needs for one RSA key.
 */

const CERTIFICATE_YEARS = 10;
const SUBJECT_COMMON_NAME = 'sns.amazonaws.com';

/** A new 2048-bit RSA key and its self-signed certificate, valid from a day ago for ten years. */
export function createSigningMaterial(nowMs: number = Date.now()): SigningMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String(SUBJECT_COMMON_NAME))));
  const sha256WithRsa = sequence(oid('1.2.840.113549.1.1.11'), NULL);
  const notBefore = new Date(nowMs - 86_400_000);
  const notAfter = new Date(nowMs);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  // A positive serial: the top bit of its first byte clear.
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    sha256WithRsa,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, sha256WithRsa, bitString(signature));
  return {
    id: randomUUID().replace(/-/g, ''),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: toPem('CERTIFICATE', certificate),
  };
}

/** SNS's signature over a canonical string: version 1 is SHA1withRSA, version 2 SHA256withRSA; base64. */
export function signCanonical(canonical: string, signatureVersion: '1' | '2', privateKeyPem: string): string {
  const signer = createSign(signatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(canonical, 'utf8');
  return signer.sign(privateKeyPem, 'base64');
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

function sequence(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

function integer(value: Buffer): Buffer {
  return tlv(0x02, (value[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

function utf8String(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

const NULL = Buffer.from([0x05, 0x00]);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280, 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

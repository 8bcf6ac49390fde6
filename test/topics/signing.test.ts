import { createVerify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigningMaterial, signCanonical } from '../../lambda/topics/signing.js';

describe('the signing key and its self-signed certificate', () => {
  const material = createSigningMaterial(Date.UTC(2026, 0, 15));
  const certificate = new X509Certificate(material.certificatePem);

  it('is a certificate Node can read, signed by its own key, valid from the day before for ten years', () => {
    expect(certificate.subject).toBe('CN=sns.amazonaws.com');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-01-14T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2036-01-15T00:00:00.000Z');
    expect(material.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['1', 'RSA-SHA1'],
    ['2', 'RSA-SHA256'],
  ] as const)('signs version %s with %s, verifiable with the certificate', (version, algorithm) => {
    const signature = signCanonical('Message\nhi\nType\nNotification\n', version, material.privateKeyPem);

    const verify = (text: string) =>
      createVerify(algorithm).update(text).verify(certificate.publicKey, signature, 'base64');

    expect(verify('Message\nhi\nType\nNotification\n')).toBe(true);
    expect(verify('Message\nho\nType\nNotification\n')).toBe(false);
  });

  it('writes dates from 2050 on as GeneralizedTime', () => {
    const late = new X509Certificate(createSigningMaterial(Date.UTC(2049, 5, 1)).certificatePem);

    expect(new Date(late.validTo).getUTCFullYear()).toBe(2059);
  });
});

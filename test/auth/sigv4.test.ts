import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyLookup, type SignatureCheck, verifySignature } from '../../lambda/auth/sigv4.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { signedPost } from '../helpers/query-client.js';

const REGION = 'us-east-1';
const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SECRETS = new Map<string, string>([
  [KEY.accessKeyId, KEY.secretAccessKey],
  [DUMMY_CREDENTIALS.accessKeyId, DUMMY_CREDENTIALS.secretAccessKey],
]);
const lookupKey: KeyLookup = async (accessKeyId) => {
  const secretAccessKey = SECRETS.get(accessKeyId);
  return secretAccessKey === undefined ? undefined : { secretAccessKey };
};
const MINUTE_MS = 60_000;
const SIGNED_AT = new Date('2026-03-01T12:00:00Z');

function verify(request: HttpRequest, nowMs: number, keys: KeyLookup = lookupKey): Promise<SignatureCheck> {
  return verifySignature(request, { region: REGION, lookupKey: keys, nowMs });
}

/** Records the requests real clients send, as the shared handler would receive them. */
let server: Server;
let endpoint: string;
const captured: HttpRequest[] = [];

beforeAll(async () => {
  server = createServer(async (incoming, response) => {
    captured.push(await toHttpRequest(incoming));
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function toHttpRequest(incoming: IncomingMessage): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = incoming.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

async function captureOne(send: () => Promise<unknown>): Promise<HttpRequest> {
  captured.length = 0;
  await send().catch(() => undefined);
  const [request] = captured;
  if (request === undefined) throw new Error('the client sent nothing');
  return request;
}

function withHeaders(request: HttpRequest, headers: Record<string, string | undefined>): HttpRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

function expectFailure(check: SignatureCheck, code: string, status: number): void {
  expect(check).toMatchObject({ ok: false, code, status });
  if (!check.ok) expect(check.message).not.toBe('');
}

describe('verifySignature with a request sent by @aws-sdk/client-sqs (JSON protocol)', () => {
  let request: HttpRequest;

  beforeAll(async () => {
    const client = new SQSClient({ endpoint, region: REGION, credentials: KEY, maxAttempts: 1 });
    request = await captureOne(() =>
      client.send(
        new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/orders`, MessageBody: 'hello' }),
      ),
    );
    client.destroy();
  });

  it('captures a signed x-amz-json-1.0 POST with X-Amz-Target', () => {
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  });

  it('accepts it and names the access key', async () => {
    const check = await verify(request, Date.now());

    expect(check).toEqual({ ok: true, accessKeyId: KEY.accessKeyId });
  });

  it('answers MissingAuthenticationToken (403) without a signature', async () => {
    const unsigned = withHeaders(request, { authorization: undefined });

    expectFailure(await verify(unsigned, Date.now()), 'MissingAuthenticationToken', 403);
  });

  it('answers SignatureDoesNotMatch (403) for a tampered body', async () => {
    const tampered = { ...request, body: request.body.replace('hello', 'HELLO') };

    expectFailure(await verify(tampered, Date.now()), 'SignatureDoesNotMatch', 403);
  });

  it('answers SignatureDoesNotMatch (403) for a tampered signed header', async () => {
    const tampered = withHeaders(request, { 'x-amz-target': 'AmazonSQS.DeleteQueue' });

    expectFailure(await verify(tampered, Date.now()), 'SignatureDoesNotMatch', 403);
  });

  it('answers SignatureDoesNotMatch (403) when the key has another secret', async () => {
    const otherSecret: KeyLookup = async () => ({ secretAccessKey: 'not-the-secret' });

    expectFailure(await verify(request, Date.now(), otherSecret), 'SignatureDoesNotMatch', 403);
  });

  it('answers InvalidClientTokenId (403) for an unknown access key', async () => {
    const noKeys: KeyLookup = async () => undefined;

    expectFailure(await verify(request, Date.now(), noKeys), 'InvalidClientTokenId', 403);
  });

  it('answers RequestExpired (400) 16 minutes after the request was signed', async () => {
    const check = await verify(request, Date.now() + 16 * MINUTE_MS);

    expectFailure(check, 'RequestExpired', 400);
  });
});

describe('verifySignature with a signed Query form POST', () => {
  let request: HttpRequest;

  beforeAll(async () => {
    const form = new URLSearchParams({
      Action: 'SendMessage',
      Version: '2012-11-05',
      MessageBody: 'hello world',
    });
    request = await captureOne(() =>
      signedPost(
        `${endpoint}/000000000000/orders`,
        { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        form.toString(),
      ),
    );
  });

  it('accepts it', async () => {
    const check = await verify(request, Date.now());

    expect(check).toEqual({ ok: true, accessKeyId: DUMMY_CREDENTIALS.accessKeyId });
  });

  it('answers SignatureDoesNotMatch (403) for a tampered form parameter', async () => {
    const tampered = { ...request, body: request.body.replace('SendMessage', 'DeleteQueue') };

    expectFailure(await verify(tampered, Date.now()), 'SignatureDoesNotMatch', 403);
  });

  it('answers SignatureDoesNotMatch (403) for another queue path', async () => {
    const tampered = { ...request, path: '/000000000000/payments' };

    expectFailure(await verify(tampered, Date.now()), 'SignatureDoesNotMatch', 403);
  });
});

const signer = new SignatureV4({ service: 'sqs', region: REGION, credentials: KEY, sha256: Sha256 });

async function signJsonRequest(): Promise<HttpRequest> {
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: 'sqs.example.com',
      path: '/',
      headers: {
        host: 'sqs.example.com',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.ListQueues',
      },
      body: '{}',
    },
    { signingDate: SIGNED_AT },
  );
  return { method: 'POST', path: '/', headers: signed.headers, body: '{}' };
}

describe('verifySignature with @smithy/signature-v4 header signatures', () => {
  it.each([
    ['14 minutes late', 14 * MINUTE_MS],
    ['14 minutes early', -14 * MINUTE_MS],
  ])('accepts a clock %s', async (_, skewMs) => {
    const request = await signJsonRequest();

    expect(await verify(request, SIGNED_AT.getTime() + skewMs)).toEqual({
      ok: true,
      accessKeyId: KEY.accessKeyId,
    });
  });

  it.each([
    ['16 minutes late', 16 * MINUTE_MS, /^Signature expired: 20260301T120000Z is now earlier than/],
    ['16 minutes early', -16 * MINUTE_MS, /^Signature not yet current: 20260301T120000Z is still later than/],
  ])('answers RequestExpired (400) for a clock %s', async (_, skewMs, message) => {
    const request = await signJsonRequest();

    const check = await verify(request, SIGNED_AT.getTime() + skewMs);

    expectFailure(check, 'RequestExpired', 400);
    expect(check).toMatchObject({ message: expect.stringMatching(message) });
  });

  it.each([
    ['no parameters', () => 'AWS4-HMAC-SHA256'],
    ['a pair without =', (auth: string) => auth.replace('Credential=', 'Credential ')],
    ['no Signature', (auth: string) => auth.replace(/, Signature=.*$/, '')],
    ['another algorithm', (auth: string) => auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1')],
    [
      'a short credential',
      (auth: string) => auth.replace(/Credential=[^,]*/, 'Credential=AKIDEXAMPLE/20260301'),
    ],
    ['another terminator', (auth: string) => auth.replace('aws4_request', 'aws5_request')],
    ['host not signed', (auth: string) => auth.replace('host;', '')],
  ])('answers IncompleteSignature (400) for an Authorization header with %s', async (_, garble) => {
    const request = await signJsonRequest();
    const garbled = withHeaders(request, { authorization: garble(request.headers.authorization ?? '') });

    expectFailure(await verify(garbled, SIGNED_AT.getTime()), 'IncompleteSignature', 400);
  });

  it.each([
    ['another service', (auth: string) => auth.replace('/sqs/', '/sns/'), /scoped to correct service: 'sqs'/],
    [
      'another region',
      (auth: string) => auth.replace('/us-east-1/', '/eu-west-1/'),
      /scoped to a valid region, not 'eu-west-1'/,
    ],
  ])('answers SignatureDoesNotMatch (403) for a credential scoped to %s', async (_, rescope, message) => {
    const request = await signJsonRequest();
    const rescoped = withHeaders(request, { authorization: rescope(request.headers.authorization ?? '') });

    const check = await verify(rescoped, SIGNED_AT.getTime());

    expectFailure(check, 'SignatureDoesNotMatch', 403);
    expect(check).toMatchObject({ message: expect.stringMatching(message) });
  });

  it('answers IncompleteSignature (400) without X-Amz-Date', async () => {
    const request = withHeaders(await signJsonRequest(), { 'x-amz-date': undefined });

    expectFailure(await verify(request, SIGNED_AT.getTime()), 'IncompleteSignature', 400);
  });

  it('answers SignatureDoesNotMatch (403) for a signed x-amz-content-sha256 that does not match the body', async () => {
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'sqs.example.com',
        path: '/',
        headers: { host: 'sqs.example.com', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        body: '{}',
      },
      { signingDate: SIGNED_AT },
    );
    const request = { method: 'POST', path: '/', headers: signed.headers, body: '{"tampered":true}' };

    expectFailure(await verify(request, SIGNED_AT.getTime()), 'SignatureDoesNotMatch', 403);
  });
});

describe('verifySignature with a presigned GET (query-string authentication)', () => {
  async function presignGet(expiresIn: number): Promise<HttpRequest> {
    const presigned = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'sqs.example.com',
        path: '/000000000000/orders',
        query: { Action: 'ReceiveMessage', Version: '2012-11-05', MaxNumberOfMessages: '10' },
        headers: { host: 'sqs.example.com' },
      },
      { signingDate: SIGNED_AT, expiresIn },
    );
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(presigned.query ?? {})) {
      for (const each of [value ?? ''].flat()) query.append(name, each);
    }
    return {
      method: 'GET',
      path: '/000000000000/orders',
      query: query.toString(),
      headers: presigned.headers,
      body: '',
    };
  }

  it('accepts it before X-Amz-Expires runs out', async () => {
    const request = await presignGet(300);

    const check = await verify(request, SIGNED_AT.getTime() + 4 * MINUTE_MS);

    expect(check).toEqual({ ok: true, accessKeyId: KEY.accessKeyId });
  });

  it('answers RequestExpired (400) after X-Amz-Expires', async () => {
    const request = await presignGet(300);

    expectFailure(await verify(request, SIGNED_AT.getTime() + 6 * MINUTE_MS), 'RequestExpired', 400);
  });

  it('answers SignatureDoesNotMatch (403) for a changed query parameter', async () => {
    const request = await presignGet(300);
    const tampered = {
      ...request,
      query: request.query?.replace('MaxNumberOfMessages=10', 'MaxNumberOfMessages=1'),
    };

    expectFailure(await verify(tampered, SIGNED_AT.getTime()), 'SignatureDoesNotMatch', 403);
  });

  it('answers SignatureDoesNotMatch (403) for a longer X-Amz-Expires than was signed', async () => {
    const request = await presignGet(300);
    const tampered = { ...request, query: request.query?.replace('X-Amz-Expires=300', 'X-Amz-Expires=3600') };

    expectFailure(await verify(tampered, SIGNED_AT.getTime()), 'SignatureDoesNotMatch', 403);
  });

  it('answers IncompleteSignature (400) without X-Amz-Credential', async () => {
    const request = await presignGet(300);
    const garbled = { ...request, query: request.query?.replace(/X-Amz-Credential=[^&]*&?/, '') };

    expectFailure(await verify(garbled, SIGNED_AT.getTime()), 'IncompleteSignature', 400);
  });
});

import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_ACCESS } from '../../lambda/auth/policy.js';
import { pollFor } from '../helpers/poll.js';
import { presignUrl, QueryClient, signedGet, signedPost } from '../helpers/query-client.js';
import { startTestServer, TEST_ACCOUNT_ID, type TestServer } from '../helpers/server.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' };
const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const MINUTE_MS = 60_000;

let server: TestServer;
let key: { accessKeyId: string; secretAccessKey: string };
let queueUrl: string;

beforeAll(async () => {
  // A short key cache, so a revoked key is seen to stop working without waiting a minute.
  server = await startTestServer({ auth: { keyCacheTtlMs: 500 } });
  const created = await server.service.accessKeys?.create('signature-tests', FULL_ACCESS);
  if (created === undefined) throw new Error('the test server runs without auth');
  key = created;
  const sqs = jsonClient(key);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueQueueName('auth') }))).QueueUrl ?? '';
  sqs.destroy();
});

afterAll(async () => {
  await server?.close();
});

function jsonClient(
  credentials: { accessKeyId: string; secretAccessKey: string },
  options: { systemClockOffset?: number } = {},
): SQSClient {
  return new SQSClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    ...options,
  });
}

async function sdkError(
  send: () => Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await send();
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

/** A Query POST as a form, signed by `key` unless `unsigned`. */
async function queryPost(
  form: Record<string, string>,
  options: { unsigned?: boolean; signingDate?: Date } = {},
) {
  const body = new URLSearchParams({ Version: '2012-11-05', ...form }).toString();
  const response = options.unsigned
    ? await fetch(`${server.url}/`, { method: 'POST', headers: FORM_HEADERS, body })
    : await signedPost(`${server.url}/`, FORM_HEADERS, body, {
        credentials: key,
        signingDate: options.signingDate,
      });
  return { status: response.status, body: await response.text() };
}

function queryCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

describe('accepted signatures', () => {
  it('serves a request the AWS SDK signed in the Authorization header', async () => {
    const sqs = jsonClient(key);

    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'signed' }));

    expect(sent.MessageId).toMatch(/\S/);
    sqs.destroy();
  });

  it('serves a header-signed Query POST and a header-signed Query GET', async () => {
    const post = await queryPost({ Action: 'GetQueueUrl', QueueName: queueUrl.split('/').pop() ?? '' });
    const get = await signedGet(
      `${queueUrl}?Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=All`,
      {},
      {
        credentials: key,
      },
    );

    expect(post.status).toBe(200);
    expect(post.body).toContain(`<QueueUrl>${queueUrl}</QueueUrl>`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<Name>VisibilityTimeout</Name>');
  });

  it('serves a presigned Query GET (signature in the query string)', async () => {
    const url = await presignUrl(
      `${queueUrl}?Action=SendMessage&Version=2012-11-05&MessageBody=presigned`,
      {},
      {
        credentials: key,
      },
    );

    const response = await fetch(url);

    expect(new URL(url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<SendMessageResponse');
  });

  it('serves a presigned Query POST, whose signature covers the body', async () => {
    const body = new URLSearchParams({
      Action: 'SendMessage',
      Version: '2012-11-05',
      MessageBody: 'posted',
    }).toString();
    const url = await presignUrl(
      queueUrl,
      { method: 'POST', body, headers: FORM_HEADERS },
      { credentials: key },
    );

    const response = await fetch(url, { method: 'POST', headers: FORM_HEADERS, body });
    const tampered = await fetch(url, {
      method: 'POST',
      headers: FORM_HEADERS,
      body: body.replace('posted', 'changed'),
    });

    expect(response.status).toBe(200);
    expect(tampered.status).toBe(403);
    expect(queryCode(await tampered.text())).toBe('SignatureDoesNotMatch');
  });
});

describe('MissingAuthenticationToken', () => {
  it('answers an unsigned JSON request with 403 and the SDK-readable code', async () => {
    const response = await fetch(`${server.url}/`, { method: 'POST', headers: JSON_HEADERS, body: '{}' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
    expect(await response.json()).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: expect.stringMatching(/\S/),
    });
  });

  it('answers an unsigned Query request with an ErrorResponse', async () => {
    const response = await queryPost({ Action: 'ListQueues' }, { unsigned: true });

    expect(response.status).toBe(403);
    expect(queryCode(response.body)).toBe('MissingAuthenticationToken');
    expect(response.body).toContain('<Type>Sender</Type>');
  });

  it('answers before the action is read: an unsigned request for an unknown action is refused as unsigned', async () => {
    const json = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-amz-target': 'AmazonSQS.NoSuchAction' },
      body: '{}',
    });
    const query = await queryPost({ Action: 'NoSuchAction' }, { unsigned: true });

    expect(json.headers.get('x-amzn-query-error')).toBe('MissingAuthenticationToken;Sender');
    expect(queryCode(query.body)).toBe('MissingAuthenticationToken');
  });

  it('answers a presigned URL whose signature was removed', async () => {
    const url = new URL(
      await presignUrl(`${server.url}/?Action=ListQueues&Version=2012-11-05`, {}, { credentials: key }),
    );
    for (const name of [...url.searchParams.keys()].filter((n) => n.startsWith('X-Amz-')))
      url.searchParams.delete(name);

    const response = await fetch(url);

    expect(queryCode(await response.text())).toBe('MissingAuthenticationToken');
  });
});

describe('SignatureDoesNotMatch', () => {
  it('answers a JSON body changed after the SDK signed it', async () => {
    const sqs = jsonClient(key);
    sqs.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string | Uint8Array };
        const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        request.body = body.replace('original', 'ORIGINAL');
        return next(args);
      },
      // After signing (finalizeRequest), before the request is sent.
      { step: 'deserialize', priority: 'low' },
    );

    const error = await sdkError(() =>
      sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'original' })),
    );

    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    sqs.destroy();
  });

  it('answers a signature made with the wrong secret', async () => {
    const sqs = jsonClient({ accessKeyId: key.accessKeyId, secretAccessKey: 'not-the-secret' });

    const error = await sdkError(() => sqs.send(new ListQueuesCommand({})));

    expect(error.name).toBe('SignatureDoesNotMatch');
    sqs.destroy();
  });

  it('answers a Query form changed after signing', async () => {
    const signer = new SignatureV4({ service: 'sqs', region: 'us-east-1', credentials: key, sha256: Sha256 });
    const body = 'Action=SendMessage&Version=2012-11-05&MessageBody=original';
    const target = new URL(queueUrl);
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      headers: { ...FORM_HEADERS, host: target.host },
      body,
    });
    const { host: _host, ...headers } = signed.headers;

    const response = await fetch(target, {
      method: 'POST',
      headers,
      body: body.replace('original', 'tampered'),
    });

    expect(response.status).toBe(403);
    expect(queryCode(await response.text())).toBe('SignatureDoesNotMatch');
  });
});

describe('InvalidClientTokenId', () => {
  it('answers a key the service never issued, over both protocols', async () => {
    const stranger = { accessKeyId: 'DSQSUNKNOWNUNKNOWN22', secretAccessKey: 'x'.repeat(40) };
    const sqs = jsonClient(stranger);

    const error = await sdkError(() => sqs.send(new ListQueuesCommand({})));
    const query = await new QueryClient(server.url, { credentials: stranger }).call('ListQueues');

    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe('The security token included in the request is invalid.');
    expect(query).toMatchObject({ ok: false, status: 403, error: { code: 'InvalidClientTokenId' } });
    sqs.destroy();
  });

  it('answers a revoked key once the key cache has expired', async () => {
    const revoked = await server.service.accessKeys?.create('to-revoke', FULL_ACCESS);
    if (revoked === undefined) throw new Error('no key store');
    const sqs = jsonClient(revoked);
    await sqs.send(new ListQueuesCommand({}));

    await server.service.accessKeys?.revoke(revoked.accessKeyId);
    const error = await pollFor(
      () => sdkError(() => sqs.send(new ListQueuesCommand({}))).catch(() => undefined),
      (e) => e !== undefined,
      5_000,
    );

    expect(error?.name).toBe('InvalidClientTokenId');
    sqs.destroy();
  });
});

describe('RequestExpired', () => {
  it('answers a JSON request signed 16 minutes in the past or the future', async () => {
    const late = jsonClient(key, { systemClockOffset: -16 * MINUTE_MS });
    const early = jsonClient(key, { systemClockOffset: 16 * MINUTE_MS });

    const lateError = await sdkError(() => late.send(new ListQueuesCommand({})));
    const earlyError = await sdkError(() => early.send(new ListQueuesCommand({})));

    expect(lateError.name).toBe('RequestExpired');
    expect(lateError.$metadata?.httpStatusCode).toBe(400);
    expect(earlyError.name).toBe('RequestExpired');
    late.destroy();
    early.destroy();
  });

  it('accepts a request signed 14 minutes off', async () => {
    const sqs = jsonClient(key, { systemClockOffset: -14 * MINUTE_MS });

    await expect(sqs.send(new ListQueuesCommand({}))).resolves.toBeDefined();
    sqs.destroy();
  });

  it('answers a Query request signed 16 minutes ago', async () => {
    const response = await queryPost(
      { Action: 'ListQueues' },
      { signingDate: new Date(Date.now() - 16 * MINUTE_MS) },
    );

    expect(response.status).toBe(400);
    expect(queryCode(response.body)).toBe('RequestExpired');
  });

  it('answers a presigned URL after its X-Amz-Expires', async () => {
    const url = await presignUrl(
      `${server.url}/?Action=ListQueues&Version=2012-11-05`,
      { expiresIn: 60 },
      { credentials: key, signingDate: new Date(Date.now() - 2 * MINUTE_MS) },
    );

    const response = await fetch(url);

    expect(response.status).toBe(400);
    expect(queryCode(await response.text())).toBe('RequestExpired');
  });
});

describe('a credential scoped to another region', () => {
  it('is answered SignatureDoesNotMatch (403), naming the region', async () => {
    const sqs = new SQSClient({
      endpoint: server.url,
      region: 'eu-west-1',
      credentials: key,
      maxAttempts: 1,
    });

    const error = await sdkError(() => sqs.send(new ListQueuesCommand({})));

    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe("Credential should be scoped to a valid region, not 'eu-west-1'.");
    sqs.destroy();
  });
});

describe('queue URLs in answers to signed requests', () => {
  it('still name the account and queue', () => {
    expect(queueUrl).toMatch(new RegExp(`/${TEST_ACCOUNT_ID}/auth-`));
  });
});

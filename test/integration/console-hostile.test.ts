import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let server: TestServer;
const standard = uniqueQueueName('hostile');
const fifo = `${uniqueQueueName('hostile')}.fifo`;

/** Raw requests, so paths, query strings and bodies reach the server exactly as a hostile client sends them. */
async function send(method: string, path: string, body?: string | Uint8Array) {
  const response = await fetch(`${server.url}/console/api${path}`, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  let json: { error?: { code?: string; message?: string } } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // The assertion below shows the text.
  }
  return { status: response.status, json, text, allow: response.headers.get('allow') };
}

beforeAll(async () => {
  server = await startTestServer({ auth: false });
  await send('POST', '/queues', JSON.stringify({ name: standard }));
  await send('POST', '/queues', JSON.stringify({ name: fifo, attributes: { FifoQueue: 'true' } }));
});

afterAll(async () => {
  await server.close();
});

const LONE = '"\\ud800"';
const q = (name: string, rest = '') => `/queues/${encodeURIComponent(name)}${rest}`;
const messageId = '00000000-0000-4000-8000-000000000000';

/** [label, method, path, body, expected status (or any 4xx), expected code]. */
const CASES: readonly [string, string, () => string, string | undefined, number | undefined, string][] = [
  ['unknown route', 'GET', () => '/nope', undefined, 404, 'NotFound'],
  ['unknown route under a queue', 'GET', () => q(standard, '/nope'), undefined, 404, 'NotFound'],
  ['wrong method', 'PUT', () => '/queues', '{}', 405, 'MethodNotAllowed'],
  [
    'wrong method on a message',
    'POST',
    () => q(standard, `/messages/${messageId}`),
    '{}',
    405,
    'MethodNotAllowed',
  ],
  ['garbage JSON', 'POST', () => '/queues', '{"name": ', 400, 'MalformedRequest'],
  ['a JSON array', 'POST', () => '/queues', '[1,2]', 400, 'MalformedRequest'],
  ['a JSON string', 'POST', () => q(standard, '/messages'), '"body"', 400, 'MalformedRequest'],
  ['a number as the name', 'POST', () => '/queues', '{"name": 5}', 400, 'InvalidParameterValue'],
  [
    'a lone surrogate as the name',
    'POST',
    () => '/queues',
    `{"name": ${LONE}}`,
    400,
    'InvalidParameterValue',
  ],
  [
    'a 2 MiB name',
    'POST',
    () => '/queues',
    JSON.stringify({ name: 'n'.repeat(2 * 1_048_576) }),
    undefined,
    '',
  ],
  ['an 8 KB name in the path', 'GET', () => q('n'.repeat(8_192)), undefined, 400, 'QueueDoesNotExist'],
  [
    'bad percent-encoding in the path',
    'GET',
    () => '/queues/%E0%A4%A',
    undefined,
    400,
    'InvalidParameterValue',
  ],
  ['a lone surrogate in the path', 'GET', () => '/queues/%ED%A0%80', undefined, 400, 'InvalidParameterValue'],
  ['a missing queue', 'GET', () => q('no-such-queue', '/messages'), undefined, 400, 'QueueDoesNotExist'],
  [
    'a name with markup',
    'GET',
    () => q('<script>alert(1)</script>', '/messages'),
    undefined,
    400,
    'QueueDoesNotExist',
  ],
  [
    'limit not a number',
    'GET',
    () => q(standard, '/messages?limit=abc'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  ['limit 0', 'GET', () => q(standard, '/messages?limit=0'), undefined, 400, 'InvalidParameterValue'],
  [
    'limit too big',
    'GET',
    () => q(standard, '/messages?limit=99999999999'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'an unknown order',
    'GET',
    () => q(standard, '/messages?order=sideways'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a parameter twice',
    'GET',
    () => q(standard, '/messages?limit=1&limit=2'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'bad percent-encoding in the query',
    'GET',
    () => q(standard, '/messages?contains=%zz'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a lone surrogate in the query',
    'GET',
    () => q(standard, '/messages?contains=%ED%A0%80'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a 2 KB contains',
    'GET',
    () => q(standard, `/messages?contains=${'x'.repeat(2_048)}`),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a garbage cursor',
    'GET',
    () => q(standard, '/messages?cursor=%%%'),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a forged cursor',
    'GET',
    () => q(standard, `/messages?cursor=${Buffer.from('{"q":"x"}').toString('base64url')}`),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a group on a Standard queue',
    'GET',
    () => q(standard, '/messages?group=g'),
    undefined,
    400,
    'NotFifoQueue',
  ],
  ['groups of a Standard queue', 'GET', () => q(standard, '/groups'), undefined, 400, 'NotFifoQueue'],
  [
    'a 200-character group',
    'GET',
    () => q(fifo, `/messages?group=${'g'.repeat(200)}`),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  [
    'a read without a locator',
    'GET',
    () => q(standard, `/messages/${messageId}`),
    undefined,
    400,
    'MissingParameter',
  ],
  [
    'a garbage locator',
    'DELETE',
    () => q(standard, `/messages/${messageId}?locator=abc`),
    undefined,
    400,
    'InvalidParameterValue',
  ],
  ['a send without a body', 'POST', () => q(standard, '/messages'), '{}', 400, 'MissingParameter'],
  [
    'a send with a lone surrogate',
    'POST',
    () => q(standard, '/messages'),
    `{"body": ${LONE}}`,
    400,
    'InvalidParameterValue',
  ],
  [
    'a send with NUL',
    'POST',
    () => q(standard, '/messages'),
    '{"body": "a\\u0000b"}',
    400,
    'InvalidMessageContents',
  ],
  [
    'a send with a delay in words',
    'POST',
    () => q(standard, '/messages'),
    '{"body": "x", "delaySeconds": "ten"}',
    400,
    'InvalidParameterValue',
  ],
  [
    'a send with a huge delay',
    'POST',
    () => q(standard, '/messages'),
    '{"body": "x", "delaySeconds": 1e30}',
    400,
    'InvalidParameterValue',
  ],
  [
    'an attribute named with markup',
    'POST',
    () => q(standard, '/messages'),
    JSON.stringify({
      body: 'x',
      messageAttributes: { '<img src=x onerror=alert(1)>': { dataType: 'String', stringValue: 'v' } },
    }),
    400,
    'InvalidParameterValue',
  ],
  [
    'attributes as a list',
    'POST',
    () => q(standard, '/messages'),
    '{"body": "x", "messageAttributes": []}',
    400,
    'InvalidParameterValue',
  ],
  [
    'binary that is not base64',
    'POST',
    () => q(standard, '/messages'),
    '{"body": "x", "messageAttributes": {"b": {"dataType": "Binary", "binaryValue": "!!"}}}',
    400,
    'InvalidParameterValue',
  ],
  [
    'a FIFO send without a group',
    'POST',
    () => q(fifo, '/messages'),
    '{"body": "x"}',
    400,
    'MissingParameter',
  ],
  [
    'a purge with a number as confirm',
    'POST',
    () => q(standard, '/purge'),
    '{"confirm": 1}',
    400,
    'InvalidParameterValue',
  ],
  [
    'a dead letter of garbage',
    'POST',
    () => '/queues',
    '{"name": "x", "deadLetter": "dlq"}',
    400,
    'InvalidParameterValue',
  ],
  [
    'attributes with an unknown name',
    'POST',
    () => '/queues',
    '{"name": "x", "attributes": {"Bogus": "1"}}',
    400,
    'InvalidAttributeName',
  ],
  [
    'a cancel of a forged handle',
    'POST',
    () => q(standard, '/move-tasks/cancel'),
    '{"taskHandle": "abc"}',
    400,
    'InvalidParameterValue',
  ],
  [
    'a rate of -1',
    'POST',
    () => q(standard, '/move-tasks'),
    '{"maxNumberOfMessagesPerSecond": -1}',
    400,
    'InvalidParameterValue',
  ],
];

describe('console API under hostile input', () => {
  it.each(CASES)(
    'answers %s with a 4xx and an error code',
    async (_label, method, path, body, status, code) => {
      const response = await send(method, path(), body);

      if (status === undefined) {
        expect(response.status, response.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
        expect(response.json.error?.code).toBeTruthy();
      } else {
        expect(
          { status: response.status, code: response.json.error?.code },
          response.text.slice(0, 300),
        ).toEqual({
          status,
          code,
        });
      }
    },
  );

  it('refuses a 2 MiB path before reading it (the HTTP server answers 431)', async () => {
    const response = await send('GET', q('n'.repeat(2 * 1_048_576)));

    expect(response.status).toBe(431);
  });

  it('names the allowed methods on 405', async () => {
    const response = await send('PATCH', q(standard));

    expect(response.allow).toBe('GET, DELETE');
  });

  it('answers bytes that are not UTF-8 in a body with a 4xx', async () => {
    const response = await send('POST', q(standard, '/messages'), Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]));

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('shows a body of markup as text in the JSON, and sends nothing but JSON', async () => {
    const body = '<script>alert(1)</script>';
    await send('POST', q(standard, '/messages'), JSON.stringify({ body }));

    const response = await fetch(`${server.url}/console/api${q(standard, '/messages')}`);
    const page = (await response.json()) as { messages: { body: string }[] };

    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(page.messages.map((m) => m.body)).toContain(body);
  });
});

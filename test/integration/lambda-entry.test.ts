import { randomBytes, randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAccessKeys } from '../../lambda/auth/create-auth.js';
import { FULL_ACCESS } from '../../lambda/auth/policy.js';
import { createLambdaHandler, handler, LONG_POLL_MARGIN_MS } from '../../lambda/entries/lambda.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { ensureTable } from '../../lambda/storage/dynamo/table.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, httpApiEvent, lambdaContext, startHttpApiShim } from '../helpers/http-api-shim.js';
import { createJsonClient } from '../helpers/json-client.js';
import { nodes, QueryClient, text } from '../helpers/query-client.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

let shim: HttpApiShim;
let sqs: SQSClient;

beforeAll(async () => {
  const tableName = uniqueTableName();
  const endpoint = inject('dynamodbEndpoint');
  // The function reads its config from the environment on its first invocation, as it does in AWS.
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('DYNAMODB_ENDPOINT', endpoint);
  vi.stubEnv('SQS_ACCOUNT_ID', TEST_ACCOUNT_ID);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', DUMMY_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', DUMMY_CREDENTIALS.secretAccessKey);
  // Auth is on, with the local cipher: the clients' credentials are a key in the table, as `keys create` makes one.
  const localKey = randomBytes(32);
  vi.stubEnv('KEYS_LOCAL_KEY', localKey.toString('base64'));
  // The stack creates the table in AWS; the function itself never does.
  const client = new DynamoDBClient({ region: TEST_REGION, endpoint, credentials: DUMMY_CREDENTIALS });
  await ensureTable(client, tableName);
  const keys = createAccessKeys(
    { kind: 'local', key: localKey },
    { client, tableName, region: TEST_REGION, meter: new CapacityMeter() },
  );
  await keys.accessKeys.import({ ...DUMMY_CREDENTIALS, name: 'lambda-test', policy: FULL_ACCESS });
  client.destroy();
  shim = await startHttpApiShim(handler);
  sqs = createJsonClient(shim.url);
});

afterAll(async () => {
  sqs?.destroy();
  await shim?.close();
  vi.unstubAllEnvs();
});

function queueName(): string {
  return `lambda-${randomUUID().slice(0, 8)}`;
}

const signer = new SignatureV4({
  service: 'sqs',
  region: TEST_REGION,
  credentials: DUMMY_CREDENTIALS,
  sha256: Sha256,
});

/**
 * A JSON-protocol call as API Gateway would hand it over, for the cases a real client cannot produce here; signed
 * for the Host the function will see (the header, else the API's domain), unless `unsigned`.
 */
async function jsonEvent(
  action: string,
  input: object,
  headers: Record<string, string> = {},
  domainName?: string,
  unsigned = false,
) {
  const body = JSON.stringify(input);
  const host = headers.host ?? domainName ?? 'localhost';
  const sent = { 'content-type': JSON_CONTENT_TYPE, 'x-amz-target': `AmazonSQS.${action}`, ...headers };
  const signed = unsigned
    ? { headers: sent }
    : await signer.sign({
        method: 'POST',
        protocol: 'https:',
        hostname: host,
        path: '/',
        headers: { ...sent, host },
        body,
      });
  const eventHeaders: Record<string, string> = { ...signed.headers };
  if (headers.host === undefined) delete eventHeaders.host;
  return httpApiEvent({
    method: 'POST',
    url: '/',
    headers: eventHeaders,
    body: Buffer.from(body),
    ...(domainName === undefined ? {} : { domainName }),
  });
}

describe('Lambda entry behind an HTTP API', () => {
  it('serves CreateQueue, SendMessage, ReceiveMessage and DeleteMessage to the AWS SDK', async () => {
    const name = queueName();

    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'through API Gateway' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const [message] = received.Messages ?? [];
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    const afterDelete = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));

    expect(QueueUrl).toBe(`${shim.url}/${TEST_ACCOUNT_ID}/${name}`);
    expect(received.Messages?.map((m) => m.Body)).toEqual(['through API Gateway']);
    expect(afterDelete.Messages ?? []).toEqual([]);
    expect(shim.events.some((event) => event.isBase64Encoded)).toBe(true);
  });

  it('serves a Query-protocol form POST whose body API Gateway base64-encoded', async () => {
    const query = new QueryClient(shim.url);
    const name = queueName();
    const eventsBefore = shim.events.length;

    const created = await query.send('CreateQueue', { QueueName: name });
    const QueueUrl = text(created.QueueUrl);
    await query.send('SendMessage', { QueueUrl, MessageBody: 'a=b&c=d ü' });
    const received = await query.send('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 });

    const createEvent = shim.events[eventsBefore];
    expect(createEvent?.isBase64Encoded).toBe(true);
    expect(createEvent?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(QueueUrl).toBe(`${shim.url}/${TEST_ACCOUNT_ID}/${name}`);
    expect(nodes(received.Message).map((m) => text(m.Body))).toEqual(['a=b&c=d ü']);
  });

  it('builds queue URLs from the host the client called', async () => {
    const name = queueName();
    await sqs.send(new CreateQueueCommand({ QueueName: name }));

    const custom = await handler(
      await jsonEvent(
        'GetQueueUrl',
        { QueueName: name },
        { host: 'queues.example.com', 'x-forwarded-proto': 'https' },
      ),
      lambdaContext(),
    );
    const noHostHeader = await handler(
      await jsonEvent('GetQueueUrl', { QueueName: name }, {}, 'abc123.execute-api.us-east-1.amazonaws.com'),
      lambdaContext(),
    );

    expect(custom.statusCode).toBe(200);
    expect(JSON.parse(custom.body ?? '')).toEqual({
      QueueUrl: `https://queues.example.com/${TEST_ACCOUNT_ID}/${name}`,
    });
    expect(JSON.parse(noHostHeader.body ?? '')).toEqual({
      QueueUrl: `https://abc123.execute-api.us-east-1.amazonaws.com/${TEST_ACCOUNT_ID}/${name}`,
    });
  });

  it("ends a long poll before the function's remaining time runs out", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName() }));
    const remainingMs = LONG_POLL_MARGIN_MS + 1_000;
    const startedAtMs = Date.now();

    const result = await handler(
      await jsonEvent('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 20 }, { host: 'queues.example.com' }),
      lambdaContext(remainingMs),
    );
    const elapsedMs = Date.now() - startedAtMs;

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(JSON.parse(result.body ?? '').Messages ?? []).toEqual([]);
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(remainingMs);
  });
});

describe('Lambda entry authentication', () => {
  it('answers an unsigned event with MissingAuthenticationToken', async () => {
    const result = await handler(
      await jsonEvent('ListQueues', {}, { host: 'queues.example.com' }, undefined, true),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(403);
    expect(result.headers?.['x-amzn-query-error']).toBe('MissingAuthenticationToken;Sender');
  });

  it('refuses to start without a key cipher in its environment (fails closed)', async () => {
    const localKey = process.env.KEYS_LOCAL_KEY ?? '';
    const event = await jsonEvent('ListQueues', {}, { host: 'queues.example.com' });
    vi.stubEnv('KEYS_LOCAL_KEY', '');
    const unconfigured = createLambdaHandler();

    const attempt = unconfigured(event, lambdaContext());

    await expect(attempt).rejects.toThrow(/authentication is required/);
    vi.stubEnv('KEYS_LOCAL_KEY', localKey);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAccessKeys } from '../../lambda/auth/create-auth.js';
import { createLambdaHandler } from '../../lambda/entries/lambda.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { ensureTable } from '../../lambda/storage/dynamo/table.js';
import { ConsoleClient, queuePath } from '../helpers/console-client.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, startHttpApiShim } from '../helpers/http-api-shim.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

let shim: HttpApiShim;
const reader = { accessKeyId: '', secretAccessKey: '' };

beforeAll(async () => {
  const tableName = uniqueTableName();
  const endpoint = inject('dynamodbEndpoint');
  // The request function reads its config from the environment, as in AWS, with auth on (it refuses to start without).
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('DYNAMODB_ENDPOINT', endpoint);
  vi.stubEnv('SQS_ACCOUNT_ID', TEST_ACCOUNT_ID);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', DUMMY_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', DUMMY_CREDENTIALS.secretAccessKey);
  const localKey = randomBytes(32);
  vi.stubEnv('KEYS_LOCAL_KEY', localKey.toString('base64'));
  const client = new DynamoDBClient({ region: TEST_REGION, endpoint, credentials: DUMMY_CREDENTIALS });
  await ensureTable(client, tableName);
  const keys = createAccessKeys(
    { kind: 'local', key: localKey },
    { client, tableName, region: TEST_REGION, meter: new CapacityMeter() },
  );
  await keys.accessKeys.import({
    ...DUMMY_CREDENTIALS,
    name: 'console-admin',
    policy: [{ actions: ['console:*'], queues: ['*'] }],
  });
  const created = await keys.accessKeys.create('console-reader', [
    { actions: ['console:Read'], queues: ['*'] },
  ]);
  Object.assign(reader, { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey });
  client.destroy();
  shim = await startHttpApiShim(createLambdaHandler());
});

afterAll(async () => {
  await shim?.close();
  vi.unstubAllEnvs();
});

describe('console API through the request Lambda (API Gateway HTTP API)', () => {
  it('creates a queue, sends, peeks and lists, signed as the page signs', async () => {
    const admin = new ConsoleClient(shim.url);
    const name = `lambda-console-${randomUUID().slice(0, 8)}`;

    const created = await admin.post('/queues', { name });
    const sent = await admin.post(queuePath(name, '/messages'), { body: '{"hello":"lambda"}' });
    const peeked = await admin.get(queuePath(name, '/messages'), { query: { order: 'newest', limit: 10 } });
    const list = await admin.get('/queues', { query: { filter: name } });

    expect([created.status, sent.status, peeked.status, list.status]).toEqual([201, 200, 200, 200]);
    expect((peeked.json.messages as { body: string }[]).map((m) => m.body)).toEqual(['{"hello":"lambda"}']);
    expect(list.json.queues).toEqual([
      expect.objectContaining({ name, counts: expect.objectContaining({ visible: 1 }) }),
    ]);
  });

  it('refuses unsigned requests, and changes by a key that may only read', async () => {
    const unsigned = new ConsoleClient(shim.url, false);
    const readOnly = new ConsoleClient(shim.url, reader);
    const name = `lambda-console-${randomUUID().slice(0, 8)}`;

    const anonymous = await unsigned.get('/queues');
    const refused = await readOnly.post('/queues', { name });
    const session = await readOnly.get('/session');

    expect([anonymous.status, refused.status]).toEqual([403, 403]);
    expect(session.json).toMatchObject({ auth: true, canRead: true, canWrite: false });
  });

  it('answers an unknown API path with 404 NotFound', async () => {
    const admin = new ConsoleClient(shim.url);

    const unknown = await admin.get('/nope');

    expect(unknown.status).toBe(404);
    expect((unknown.json.error as { code: string }).code).toBe('NotFound');
  });
});

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTaskHandle } from '../../lambda/engine/move-tasks.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ACCOUNT_ID, fakeEngine, HOST } from '../protocol/fake-engine.js';

const ARN = `arn:aws:sqs:us-east-1:${ACCOUNT_ID}`;

function jsonRequest(action: string, input: object): HttpRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      host: HOST,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
    },
    body: JSON.stringify(input),
  };
}

describe('the summary of a request (for the entry’s log line), auth off', () => {
  it.each([
    ['SendMessage', { QueueUrl: `http://${HOST}/${ACCOUNT_ID}/orders`, MessageBody: 'x' }, 'orders'],
    ['GetQueueUrl', { QueueName: 'orders.fifo' }, 'orders.fifo'],
    ['CreateQueue', { QueueName: 'new-queue' }, 'new-queue'],
    ['ListMessageMoveTasks', { SourceArn: `${ARN}:orders-dlq` }, 'orders-dlq'],
    ['CancelMessageMoveTask', { TaskHandle: encodeTaskHandle('t-1', `${ARN}:orders-dlq`) }, 'orders-dlq'],
  ])('names the queue a %s names', async (action, input, queueName) => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest(action, input));

    expect(response.summary?.queueName).toBe(queueName);
    expect(response.summary?.accessKeyId).toBeUndefined();
  });

  it('names no queue for ListQueues or a QueueUrl that names none', async () => {
    const handler = createRequestHandler(fakeEngine());

    const listed = await handler(jsonRequest('ListQueues', {}));
    const foreign = await handler(jsonRequest('PurgeQueue', { QueueUrl: 'http://x/999999999999/orders' }));

    expect(listed.summary?.queueName).toBeUndefined();
    expect(foreign.summary).toMatchObject({ action: 'PurgeQueue', errorCode: 'QueueDoesNotExist' });
    expect(foreign.summary?.queueName).toBeUndefined();
  });
});

describe('the summary of a request, auth on', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  async function signed(request: HttpRequest): Promise<HttpRequest> {
    const signer = new SignatureV4({
      service: 'sqs',
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
      sha256: Sha256,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined) headers[name] = value;
    const out = await signer.sign({
      method: request.method,
      protocol: 'http:',
      hostname: HOST,
      path: request.path,
      headers,
      body: request.body,
    });
    return { ...request, headers: { ...out.headers } };
  }

  it('names the access key that signed it, on success and on error', async () => {
    const ok = await server.service.handler(await signed(jsonRequest('ListQueues', {})));
    const missing = await server.service.handler(
      await signed(jsonRequest('GetQueueUrl', { QueueName: 'nope' })),
    );

    expect(ok.summary).toMatchObject({ action: 'ListQueues', accessKeyId: DUMMY_CREDENTIALS.accessKeyId });
    expect(missing.summary).toMatchObject({
      action: 'GetQueueUrl',
      queueName: 'nope',
      accessKeyId: DUMMY_CREDENTIALS.accessKeyId,
      errorCode: 'QueueDoesNotExist',
    });
  });

  it('names no key, and no action, for a request refused as unsigned', async () => {
    const response = await server.service.handler(
      jsonRequest('SendMessage', { QueueUrl: 'x', MessageBody: 'x' }),
    );

    expect(response.status).toBe(403);
    expect(response.summary?.errorCode).toBe('MissingAuthenticationToken');
    expect(response.summary?.accessKeyId).toBeUndefined();
    expect(response.summary?.action).toBeUndefined();
  });
});

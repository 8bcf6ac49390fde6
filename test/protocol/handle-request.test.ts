import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { fakeEngine, HOST, jsonRequest, queryRequest, queueUrl } from './fake-engine.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function jsonError(body: string): { __type: string; message: string } {
  return JSON.parse(body);
}

describe('protocol choice', () => {
  it('answers JSON when X-Amz-Target is present, whatever its case', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest('ListQueues', {}, { 'x-amz-target': 'amazonsqs.listqueues' }));

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(response.body).toBe('{}');
  });

  it('answers XML for a form-encoded request', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(queryRequest({ Action: 'ListQueues' }));

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml');
  });

  it('gives every response a fresh request id, in the header and in Query metadata', async () => {
    const handler = createRequestHandler(fakeEngine());

    const first = await handler(queryRequest({ Action: 'ListQueues' }));
    const second = await handler(jsonRequest('Nope', {}));
    const id = first.headers['x-amzn-RequestId'];

    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body).toContain(`<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata>`);
    expect(second.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-amzn-RequestId']).not.toBe(id);
  });
});

describe('unknown actions', () => {
  it('answers an unknown JSON target with UnknownOperationException', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest('FlyToTheMoon', {}));

    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-query-error']).toBe('InvalidAction;Sender');
    expect(jsonError(response.body)).toEqual({
      __type: 'com.amazon.coral.service#UnknownOperationException',
      message: 'The action FlyToTheMoon is not valid for this endpoint.',
    });
  });

  it('answers a target of another service as an unknown action', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest('x', {}, { 'x-amz-target': 'DynamoDB_20120810.ListTables' }));

    expect(jsonError(response.body).message).toBe(
      'The action DynamoDB_20120810.ListTables is not valid for this endpoint.',
    );
  });

  it('answers a JSON request without X-Amz-Target in JSON', async () => {
    const handler = createRequestHandler(fakeEngine());
    const { 'x-amz-target': _, ...headers } = jsonRequest('ListQueues', {}).headers;

    const response = await handler({ ...jsonRequest('ListQueues', {}), headers });

    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-query-error']).toBe('MissingAction;Sender');
  });

  it('answers an unknown Query action with InvalidAction', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(queryRequest({ Action: 'FlyToTheMoon' }));

    expect(response.status).toBe(400);
    expect(response.body).toContain(
      '<Code>InvalidAction</Code><Message>The action FlyToTheMoon is not valid for this endpoint.</Message>',
    );
  });

  it('answers a Query request without Action with MissingAction', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(queryRequest({ QueueName: 'q' }, { method: 'GET' }));

    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>MissingAction</Code>');
  });

  it('answers an empty Action with MissingAction', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(queryRequest({ Action: '' }));

    expect(response.body).toContain('<Code>MissingAction</Code>');
  });

  it('cuts a very long action name in the message', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(queryRequest({ Action: 'A'.repeat(10_000) }));

    expect(response.body.length).toBeLessThan(1_000);
  });
});

describe('actions SQS has but this service does not', () => {
  it.each(['AddPermission', 'RemovePermission'])(
    'answers %s with UnsupportedOperation over both protocols',
    async (action) => {
      const engine = fakeEngine();
      const handler = createRequestHandler(engine);

      const json = await handler(jsonRequest(action, { QueueUrl: queueUrl('q') }));
      const query = await handler(queryRequest({ Action: action }));

      expect(json.status).toBe(400);
      expect(jsonError(json.body)).toEqual({
        __type: 'com.amazonaws.sqs#UnsupportedOperation',
        message: `${action} is not supported by this service.`,
      });
      expect(json.headers['x-amzn-query-error']).toBe('AWS.SimpleQueueService.UnsupportedOperation;Sender');
      expect(query.status).toBe(400);
      expect(query.body).toContain('<Code>AWS.SimpleQueueService.UnsupportedOperation</Code>');
      expect(engine.calls).toEqual([]);
    },
  );
});

describe('malformed JSON', () => {
  it.each([
    ['broken JSON', '{"QueueName":'],
    ['an array', '["QueueName"]'],
    ['a string', '"CreateQueue"'],
    ['null', 'null'],
  ])('answers %s with SerializationException', async (_, body) => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest('CreateQueue', body));

    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-query-error']).toBe('MalformedInput;Sender');
    expect(jsonError(response.body).__type).toBe('com.amazon.coral.service#SerializationException');
  });

  it('reads an empty body as an empty structure', async () => {
    const engine = fakeEngine();

    const response = await createRequestHandler(engine)(jsonRequest('ListQueues', ''));

    expect(response.status).toBe(200);
    expect(engine.calls).toHaveLength(1);
  });
});

describe('failures inside the service', () => {
  it('answers InternalError without details, handing the cause to the entry in the summary', async () => {
    const cause = new Error('DynamoDB exploded at table sqs-secret');
    const handler = createRequestHandler(fakeEngine({ listQueues: () => Promise.reject(cause) }));

    const json = await handler(jsonRequest('ListQueues', {}));
    const query = await handler(queryRequest({ Action: 'ListQueues' }));

    expect(json.status).toBe(500);
    expect(json.headers['x-amzn-query-error']).toBe('InternalError;Receiver');
    expect(json.body).not.toContain('exploded');
    expect(query.status).toBe(500);
    expect(query.body).toContain('<Type>Receiver</Type><Code>InternalError</Code>');
    expect(query.body).not.toContain('exploded');
    expect(json.summary).toEqual({
      requestId: json.headers['x-amzn-RequestId'],
      action: 'ListQueues',
      errorCode: 'InternalError',
      cause,
    });
  });

  it('answers a synchronous throw in the engine the same way', async () => {
    const handler = createRequestHandler(
      fakeEngine({
        purgeQueue: () => {
          throw new TypeError('boom');
        },
      }),
    );

    const response = await handler(jsonRequest('PurgeQueue', { QueueUrl: queueUrl('q') }));

    expect(response.status).toBe(500);
  });
});

describe('long polls', () => {
  it('passes the request signal to ReceiveMessage', async () => {
    const engine = fakeEngine();
    const controller = new AbortController();

    await createRequestHandler(engine)(jsonRequest('ReceiveMessage', { QueueUrl: queueUrl('q') }), {
      signal: controller.signal,
    });

    expect(engine.lastInput()).toMatchObject({ queueName: 'q', signal: controller.signal });
  });
});

describe('queue URLs in results', () => {
  it('builds them from the Host header the client used', async () => {
    const handler = createRequestHandler(fakeEngine());

    const response = await handler(jsonRequest('CreateQueue', { QueueName: 'orders' }));

    expect(JSON.parse(response.body)).toEqual({ QueueUrl: `http://${HOST}/123456789012/orders` });
  });
});

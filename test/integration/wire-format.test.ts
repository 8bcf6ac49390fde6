import { describe, expect, it } from 'vitest';
import { signedGet, signedPost } from '../helpers/query-client.js';
import { createTestQueue, testClients, uniqueQueueName } from '../helpers/test-queue.js';

describe('Query protocol framing', () => {
  it('wraps a result in {Action}Response with a RequestId', async () => {
    const { query } = await testClients();

    const response = await query.call('CreateQueue', { QueueName: uniqueQueueName() });

    expect(response).toMatchObject({ ok: true, status: 200, requestId: expect.stringMatching(/\S/) });
    expect(response.raw).toContain('<CreateQueueResponse');
    expect(response.raw).toContain('http://queue.amazonaws.com/doc/2012-11-05/');
  });

  it('answers an error as an ErrorResponse with Type Sender, Code, Message and RequestId', async () => {
    const { query } = await testClients();

    const response = await query.call('GetQueueUrl', { QueueName: uniqueQueueName('missing') });

    expect(response).toMatchObject({
      ok: false,
      status: 400,
      error: {
        type: 'Sender',
        code: 'AWS.SimpleQueueService.NonExistentQueue',
        message: expect.stringMatching(/\S/),
        requestId: expect.stringMatching(/\S/),
      },
    });
  });

  it('accepts the action posted to the service endpoint with QueueUrl as a parameter', async () => {
    const { url } = await testClients();
    const queue = await createTestQueue('query');
    const form = new URLSearchParams({
      Action: 'SendMessage',
      Version: '2012-11-05',
      QueueUrl: queue.url,
      MessageBody: 'posted to the root',
    });

    const response = await signedPost(
      `${url}/`,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      form.toString(),
    );
    const received = await queue.receiveAll(1);

    expect(response.status).toBe(200);
    expect(received.map((m) => m.body)).toEqual(['posted to the root']);
  });

  it('accepts a GET with the parameters in the query string', async () => {
    const queue = await createTestQueue('query');
    const params = new URLSearchParams({
      Action: 'GetQueueAttributes',
      Version: '2012-11-05',
      'AttributeName.1': 'All',
    });

    const response = await signedGet(`${queue.url}?${params}`);
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(body).toContain('<GetQueueAttributesResponse');
    expect(body).toContain('<Name>VisibilityTimeout</Name>');
  });
});

describe('JSON protocol framing', () => {
  it('answers with x-amzn-RequestId and x-amz-json-1.0', async () => {
    const { url } = await testClients();

    const response = await signedPost(
      `${url}/`,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      '{}',
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/\S/);
    expect(response.headers.get('content-type')).toContain('application/x-amz-json-1.0');
  });

  it('answers an error with __type, message and the x-amzn-query-error header', async () => {
    const { url } = await testClients();

    const response = await signedPost(
      `${url}/`,
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.GetQueueUrl',
        'x-amzn-query-mode': 'true',
      },
      JSON.stringify({ QueueName: uniqueQueueName('missing') }),
    );
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(body).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });
});

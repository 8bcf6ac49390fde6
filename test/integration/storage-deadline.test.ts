import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLambdaHandler } from '../../lambda/entries/lambda.js';
import { type FaultyService, startFaultyService } from '../helpers/fault-service.js';
import { httpApiEvent, lambdaContext } from '../helpers/http-api-shim.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

function sendMessageEvent(queueUrl: string) {
  return httpApiEvent({
    method: 'POST',
    url: '/',
    headers: {
      host: 'queues.example.com',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.SendMessage',
    },
    body: Buffer.from(JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'stalled' })),
  });
}

describe("Storage calls and the Lambda function's remaining time", () => {
  it('answers ServiceUnavailable (503) before the function times out when every DynamoDB call stalls', async () => {
    const queue = await stack.createQueue();
    const handler = createLambdaHandler({ createService: async () => stack.service });
    stack.proxy.setRate({ rate: 1, kinds: ['stall'], stallMs: 20_000 });
    const remainingMs = 3_000;
    const startedMs = Date.now();

    const result = await handler(sendMessageEvent(queue.url), lambdaContext(remainingMs));
    const elapsedMs = Date.now() - startedMs;
    stack.proxy.clear();

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '{}').__type).toMatch(/ServiceUnavailable/);
    expect(result.headers?.['x-amzn-query-error']).toBe('ServiceUnavailable;Receiver');
    expect(elapsedMs).toBeLessThan(remainingMs);
  });
});

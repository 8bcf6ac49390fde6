import { afterEach, describe, expect, it, vi } from 'vitest';
import { startNodeServer } from '../../lambda/entries/node-server.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { fakeEngine } from '../protocol/fake-engine.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Node server', () => {
  it('logs the cause of an InternalError with the request id, and sends the client none of it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const cause = new Error('DynamoDB exploded at table sqs-secret');
    const handler = createRequestHandler(fakeEngine({ listQueues: () => Promise.reject(cause) }));
    const server = await startNodeServer({ handler, port: 0 });

    const response = await fetch(`${server.url}/?Action=ListQueues`);
    const body = await response.text();
    await server.close();

    expect(response.status).toBe(500);
    expect(body).not.toContain('exploded');
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('InternalError', {
      requestId: response.headers.get('x-amzn-requestid'),
      action: 'ListQueues',
      cause,
    });
  });
});

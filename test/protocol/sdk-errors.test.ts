import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QueueDoesNotExist as EngineQueueDoesNotExist, SqsError } from '../../lambda/engine/errors.js';
import type { SqsEngine } from '../../lambda/engine/types.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import type { RequestHandler } from '../../lambda/protocol/http.js';
import { fakeEngine, HOST, queueUrl } from './fake-engine.js';

interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A real `@aws-sdk/client-sqs` whose HTTP layer calls the handler in process: what the SDK makes of our
 * responses (exception classes, names, codes, MD5 checks), without a socket.
 */
function sdkClient(engine: SqsEngine): SQSClient {
  const handler: RequestHandler = createRequestHandler(engine);
  return new SQSClient({
    region: 'us-east-1',
    endpoint: `http://${HOST}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: SdkRequest) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
        const response = await handler({
          method: request.method,
          path: request.path,
          headers,
          body: request.body ?? '',
        });
        return {
          response: {
            statusCode: response.status,
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]),
            ),
            body: new TextEncoder().encode(response.body),
          },
        };
      },
    },
  });
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail');
}

describe('@aws-sdk/client-sqs against the handler', () => {
  it('reads a queue URL', async () => {
    const client = sdkClient(fakeEngine());

    const result = await client.send(new CreateQueueCommand({ QueueName: 'orders' }));

    expect(result.QueueUrl).toBe(queueUrl('orders'));
  });

  it('passes its own MD5 checks on send and receive', async () => {
    const body = 'héllo\r\n"world"';
    const engine = fakeEngine({
      receiveMessage: async () => ({
        messages: [
          {
            messageId: 'm',
            receiptHandle: 'r',
            md5OfBody: md5(body),
            body,
            attributes: {},
            messageAttributes: {},
          },
        ],
      }),
    });
    const client = sdkClient(engine);

    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl('q'), MessageBody: body }));
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('q') }));

    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(received.Messages?.[0]?.Body).toBe(body);
  });

  it('raises the modeled exception class for a modeled error', async () => {
    const client = sdkClient(
      fakeEngine({ getQueueUrl: () => Promise.reject(new EngineQueueDoesNotExist()) }),
    );

    const error = await errorOf(client.send(new GetQueueUrlCommand({ QueueName: 'missing' })));

    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error.name).toBe('QueueDoesNotExist');
    expect(error.message).toBe('The specified queue does not exist.');
    expect(error.Error).toMatchObject({ Code: 'AWS.SimpleQueueService.NonExistentQueue', Type: 'Sender' });
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, requestId: expect.any(String) });
  });

  it('keeps the modeled status of a 403 error', async () => {
    const purgeQueue = () =>
      Promise.reject(
        new SqsError('PurgeQueueInProgress', 'Only one PurgeQueue operation is allowed every 60 seconds.'),
      );
    const client = sdkClient(fakeEngine({ purgeQueue }));

    const error = await errorOf(client.send(new PurgeQueueCommand({ QueueUrl: queueUrl('q') })));

    expect(error.name).toBe('PurgeQueueInProgress');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403 });
  });

  it('names an unmodeled error after its legacy code, as against AWS', async () => {
    const client = sdkClient(fakeEngine());

    const error = await errorOf(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl('q'), MessageBody: '' })),
    );

    expect(error.name).toBe('MissingParameter');
    expect(error.message).toBe('The request must contain the parameter MessageBody.');
  });

  it('reports a wrong account in the queue URL as QueueDoesNotExist', async () => {
    const client = sdkClient(fakeEngine());

    const error = await errorOf(
      client.send(new PurgeQueueCommand({ QueueUrl: `http://${HOST}/999999999999/q` })),
    );

    expect(error).toBeInstanceOf(QueueDoesNotExist);
  });
});

import { ListDeadLetterSourceQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { toSqsClientError } from '../helpers/json-api.js';
import { list, text } from '../helpers/query-client.js';
import { SqsClientError } from '../helpers/sqs-api.js';
import {
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  type Protocol,
  type TestQueue,
  testClients,
} from '../helpers/test-queue.js';

interface SourcesPage {
  readonly queueUrls: string[];
  readonly nextToken?: string;
}

/** ListDeadLetterSourceQueues over `protocol`; errors become {@link SqsClientError}s, as the shared API's do. */
async function listSources(
  protocol: Protocol,
  queueUrl: string,
  options: { maxResults?: number; nextToken?: string } = {},
): Promise<SourcesPage> {
  const { sqs, query } = await testClients();
  if (protocol === 'json') {
    try {
      const out = await sqs.send(
        new ListDeadLetterSourceQueuesCommand({
          QueueUrl: queueUrl,
          MaxResults: options.maxResults,
          NextToken: options.nextToken,
        }),
      );
      return { queueUrls: out.queueUrls ?? [], ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
    } catch (error) {
      throw toSqsClientError(error);
    }
  }
  const response = await query.call('ListDeadLetterSourceQueues', {
    QueueUrl: queueUrl,
    MaxResults: options.maxResults,
    NextToken: options.nextToken,
  });
  if (!response.ok) {
    const { status, code, message } = response.error;
    throw new SqsClientError('query', status, code, code, message);
  }
  const nextToken = text(response.result.NextToken);
  return { queueUrls: list(response.result.QueueUrl).map(text), ...(nextToken ? { nextToken } : {}) };
}

/** Queues whose RedrivePolicy names `dlq`. */
async function createSources(protocol: Protocol, dlq: TestQueue, count: number): Promise<TestQueue[]> {
  const attributes = {
    ...(dlq.name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  };
  const sources: TestQueue[] = [];
  for (let i = 0; i < count; i++) sources.push(await createTestQueue(protocol, attributes));
  return sources;
}

function urlsOf(queues: readonly TestQueue[]): string[] {
  return queues.map((queue) => queue.url).sort();
}

describe.each(PROTOCOLS)('ListDeadLetterSourceQueues over %s', (protocol) => {
  it('lists the queues whose RedrivePolicy names the queue, and only those', async () => {
    const dlq = await createTestQueue(protocol);
    const otherDlq = await createTestQueue(protocol);
    const sources = await createSources(protocol, dlq, 2);
    await createSources(protocol, otherDlq, 1);
    await createTestQueue(protocol);

    const page = await listSources(protocol, dlq.url);

    expect(page).toEqual({ queueUrls: urlsOf(sources) });
  });

  it('lists FIFO source queues of a FIFO dead-letter queue', async () => {
    const dlq = await createTestQueue(protocol, { FifoQueue: 'true' });
    const sources = await createSources(protocol, dlq, 1);

    expect(await listSources(protocol, dlq.url)).toEqual({ queueUrls: urlsOf(sources) });
  });

  it('answers an empty list for a queue no queue names', async () => {
    const queue = await createTestQueue(protocol);

    expect(await listSources(protocol, queue.url)).toEqual({ queueUrls: [] });
  });

  it('pages with MaxResults and NextToken, and gives no NextToken after the last page', async () => {
    const dlq = await createTestQueue(protocol);
    const sources = await createSources(protocol, dlq, 3);

    const first = await listSources(protocol, dlq.url, { maxResults: 2 });
    const second = await listSources(protocol, dlq.url, { maxResults: 2, nextToken: first.nextToken });

    expect(first.queueUrls).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second).toEqual({ queueUrls: [expect.any(String)] });
    expect([...first.queueUrls, ...second.queueUrls]).toEqual(urlsOf(sources));
  });

  it('gives no NextToken when MaxResults was not given', async () => {
    const dlq = await createTestQueue(protocol);
    await createSources(protocol, dlq, 2);

    const page = await listSources(protocol, dlq.url);

    expect(page.queueUrls).toHaveLength(2);
    expect(page.nextToken).toBeUndefined();
  });

  it('drops a queue whose RedrivePolicy was removed', async () => {
    const dlq = await createTestQueue(protocol);
    const [kept, removed] = await createSources(protocol, dlq, 2);

    await removed?.setAttributes({ RedrivePolicy: '' });

    expect(await listSources(protocol, dlq.url)).toEqual({ queueUrls: [kept?.url] });
  });

  it('rejects a queue that does not exist with QueueDoesNotExist', async () => {
    const queue = await createTestQueue(protocol);
    await queue.deleteQueue();

    const error = await catchError(listSources(protocol, queue.url));

    expect(error).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });

  it.each([0, 1001])('rejects MaxResults %i', async (maxResults) => {
    const dlq = await createTestQueue(protocol);

    const error = await catchError(listSources(protocol, dlq.url, { maxResults }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        `Value ${maxResults} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`,
      ),
    );
  });
});

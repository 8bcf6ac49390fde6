import { describe, expect, it } from 'vitest';
import { apiFor, catchError, expectedError, PROTOCOLS, uniqueQueueName } from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('ListQueues over %s', (protocol) => {
  async function createQueues(prefix: string, count: number): Promise<string[]> {
    const api = await apiFor(protocol);
    const urls: string[] = [];
    for (let i = 0; i < count; i++) urls.push(await api.createQueue(`${prefix}-${i}`));
    return urls;
  }

  it('lists exactly the queues whose names start with QueueNamePrefix', async () => {
    const api = await apiFor(protocol);
    const prefix = uniqueQueueName('list');
    const urls = await createQueues(prefix, 3);
    await api.createQueue(uniqueQueueName('other'));

    const result = await api.listQueues({ queueNamePrefix: prefix });

    expect([...result.queueUrls].sort()).toEqual([...urls].sort());
    expect(result.nextToken).toBeUndefined();
  });

  it('lists every queue without a prefix', async () => {
    const api = await apiFor(protocol);
    const urls = await createQueues(uniqueQueueName('all'), 2);

    const result = await api.listQueues();

    expect(result.queueUrls).toEqual(expect.arrayContaining(urls));
  });

  it('returns an empty list when nothing matches', async () => {
    const api = await apiFor(protocol);

    const result = await api.listQueues({ queueNamePrefix: uniqueQueueName('none') });

    expect(result.queueUrls).toEqual([]);
  });

  it('pages with MaxResults and NextToken until every queue was listed once', async () => {
    const api = await apiFor(protocol);
    const prefix = uniqueQueueName('page');
    const urls = await createQueues(prefix, 5);

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await api.listQueues({ queueNamePrefix: prefix, maxResults: 2, nextToken });
      pages.push(page.queueUrls);
      nextToken = page.nextToken;
    } while (nextToken !== undefined && pages.length < 10);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([...urls].sort());
  });

  it('ends paging when MaxResults covers every match', async () => {
    const api = await apiFor(protocol);
    const prefix = uniqueQueueName('fit');
    const urls = await createQueues(prefix, 2);

    const first = await api.listQueues({ queueNamePrefix: prefix, maxResults: 2 });
    // SQS may hand out a NextToken with a full page; following it must then yield nothing more.
    const rest = first.nextToken
      ? await api.listQueues({ queueNamePrefix: prefix, maxResults: 2, nextToken: first.nextToken })
      : { queueUrls: [] };

    expect([...first.queueUrls].sort()).toEqual([...urls].sort());
    expect(rest.queueUrls).toEqual([]);
    expect(rest.nextToken).toBeUndefined();
  });

  it.each([0, 1001])('rejects MaxResults %i as InvalidParameterValue', async (maxResults) => {
    const api = await apiFor(protocol);

    const error = await catchError(api.listQueues({ maxResults }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });
});

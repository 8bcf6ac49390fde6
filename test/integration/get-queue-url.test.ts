import { describe, expect, it } from 'vitest';
import { apiFor, catchError, createTestQueue, PROTOCOLS, uniqueQueueName } from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('GetQueueUrl over %s', (protocol) => {
  it('returns the URL CreateQueue returned', async () => {
    const queue = await createTestQueue(protocol);

    const url = await queue.api.getQueueUrl(queue.name);

    expect(url).toBe(queue.url);
  });

  it("accepts the service's own account as QueueOwnerAWSAccountId", async () => {
    const queue = await createTestQueue(protocol);

    const url = await queue.api.getQueueUrl(queue.name, '000000000000');

    expect(url).toBe(queue.url);
  });

  it('answers QueueDoesNotExist (400) for an unknown name', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.getQueueUrl(uniqueQueueName('missing')));

    expect(error).toMatchObject({
      status: 400,
      queryCode: 'AWS.SimpleQueueService.NonExistentQueue',
      ...(protocol === 'json'
        ? { code: 'QueueDoesNotExist', message: 'The specified queue does not exist.' }
        : {
            code: 'AWS.SimpleQueueService.NonExistentQueue',
            message: 'The specified queue does not exist for this wsdl version.',
          }),
    });
  });
});

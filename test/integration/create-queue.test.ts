import { describe, expect, it } from 'vitest';
import {
  apiFor,
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  testClients,
  uniqueQueueName,
} from '../helpers/test-queue.js';

describe.each(PROTOCOLS)('CreateQueue over %s', (protocol) => {
  it('returns a URL of the form {endpoint}/{accountId}/{queueName}', async () => {
    const api = await apiFor(protocol);
    const { url } = await testClients();
    const name = uniqueQueueName();

    const queueUrl = await api.createQueue(name);

    expect(queueUrl).toBe(`${url}/000000000000/${name}`);
  });

  it('returns the same URL when called again with identical attributes', async () => {
    const api = await apiFor(protocol);
    const name = uniqueQueueName();
    const attributes = { VisibilityTimeout: '5', DelaySeconds: '1' };

    const first = await api.createQueue(name, attributes);
    const second = await api.createQueue(name, attributes);
    const withoutAttributes = await api.createQueue(uniqueQueueName());

    expect(second).toBe(first);
    expect(withoutAttributes).not.toBe(first);
  });

  it('is idempotent for a queue created without attributes', async () => {
    const api = await apiFor(protocol);
    const name = uniqueQueueName();

    const first = await api.createQueue(name);
    const second = await api.createQueue(name);

    expect(second).toBe(first);
  });

  it('rejects the same name with a different attribute value as QueueNameExists', async () => {
    const api = await apiFor(protocol);
    const name = uniqueQueueName();
    await api.createQueue(name, { DelaySeconds: '1' });

    const error = await catchError(api.createQueue(name, { DelaySeconds: '2' }));

    expect(error).toMatchObject(expectedError(protocol, 'QueueNameExists', 400));
  });

  it('applies the attributes it was given', async () => {
    const api = await apiFor(protocol);
    const attributes = {
      VisibilityTimeout: '7',
      MaximumMessageSize: '2048',
      MessageRetentionPeriod: '120',
      DelaySeconds: '3',
      ReceiveMessageWaitTimeSeconds: '4',
    };

    const queueUrl = await api.createQueue(uniqueQueueName(), attributes);

    expect(await api.getQueueAttributes(queueUrl, ['All'])).toMatchObject(attributes);
  });

  it('stores the tags it was given', async () => {
    const api = await apiFor(protocol);
    const tags = { team: 'payments', 'cost-center': '42' };

    const queueUrl = await api.createQueue(uniqueQueueName(), {}, tags);

    expect(await api.listQueueTags(queueUrl)).toEqual(tags);
  });

  it('accepts a name of exactly 80 characters of letters, digits, hyphens and underscores', async () => {
    const api = await apiFor(protocol);
    const name = `${uniqueQueueName('A_b-9')}`.padEnd(80, 'x');

    const queueUrl = await api.createQueue(name);

    expect(queueUrl.endsWith(`/${name}`)).toBe(true);
    expect(name).toHaveLength(80);
  });

  it.each([
    ['81 characters', 'x'.repeat(81)],
    ['a space', 'has space'],
    ['a dot', 'has.dot'],
    ['an exclamation mark', 'bang!'],
    ['a non-ASCII letter', 'caf\u00e9'],
  ])('rejects a name with %s as InvalidParameterValue', async (_what, name) => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(name));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('rejects an empty name', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(''));

    expect(error.status).toBe(400);
    expect(['InvalidParameterValue', 'MissingParameter']).toContain(error.code);
  });

  it('rejects a .fifo name for a standard queue', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(`${uniqueQueueName()}.fifo`));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('rejects FifoQueue=true without the .fifo suffix', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(uniqueQueueName(), { FifoQueue: 'true' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('rejects an unknown attribute name as InvalidAttributeName', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(uniqueQueueName(), { NotAnAttribute: '1' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeName', 400));
  });

  it('rejects an out-of-range attribute value as InvalidAttributeValue', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(uniqueQueueName(), { VisibilityTimeout: '43201' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400));
  });

  it('makes the new queue usable at once', async () => {
    const queue = await createTestQueue(protocol);

    await queue.send('first');
    const received = await queue.receiveAll(1);

    expect(received.map((m) => m.body)).toEqual(['first']);
  });
});

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

const FIFO_DEFAULTS = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};
const HIGH_THROUGHPUT = { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' };
const FIFO_NAME_MESSAGE =
  'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.';
const STANDARD_NAME_MESSAGE =
  'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
const THROUGHPUT_MESSAGE =
  'Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup.';
const NOT_FOR_THIS_QUEUE_TYPE = 'The request include parameter that is not valid for this queue type.';
const FIFO_ID_RULE = 'can only include alphanumeric and punctuation characters. 1 to 128 in length.';

const fifoName = () => `${uniqueQueueName()}.fifo`;

describe.each(PROTOCOLS)('CreateQueue of a FIFO queue over %s', (protocol) => {
  it("creates a .fifo queue with FifoQueue=true and SQS's FIFO defaults", async () => {
    const api = await apiFor(protocol);
    const { url } = await testClients();
    const name = fifoName();

    const queueUrl = await api.createQueue(name, { FifoQueue: 'true' });

    expect(queueUrl).toBe(`${url}/000000000000/${name}`);
    expect(await api.getQueueAttributes(queueUrl, ['All'])).toMatchObject({
      ...FIFO_DEFAULTS,
      SqsManagedSseEnabled: 'true',
      VisibilityTimeout: '30',
    });
  });

  it('applies the FIFO attributes it was given', async () => {
    const attributes = { ContentBasedDeduplication: 'true', ...HIGH_THROUGHPUT };

    const queue = await createTestQueue(protocol, { FifoQueue: 'true', ...attributes });

    expect(await queue.getAttributes(['All'])).toMatchObject(attributes);
  });

  it('returns the same URL for the same name and attributes, defaults given or not', async () => {
    const api = await apiFor(protocol);
    const name = fifoName();

    const first = await api.createQueue(name, { FifoQueue: 'true' });
    const again = await api.createQueue(name, { FifoQueue: 'true' });
    const withDefaults = await api.createQueue(name, FIFO_DEFAULTS);

    expect(again).toBe(first);
    expect(withDefaults).toBe(first);
  });

  it('answers a different FIFO setting for an existing name with QueueNameExists', async () => {
    const api = await apiFor(protocol);
    const name = fifoName();
    await api.createQueue(name, { FifoQueue: 'true' });

    const error = await catchError(
      api.createQueue(name, { FifoQueue: 'true', ContentBasedDeduplication: 'true' }),
    );

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'QueueNameExists',
        400,
        'A queue already exists with the same name and a different value for attribute ContentBasedDeduplication',
      ),
    );
  });

  it.each([
    ['a .fifo name without FifoQueue', () => fifoName(), {}, STANDARD_NAME_MESSAGE],
    ['a .fifo name with FifoQueue=false', () => fifoName(), { FifoQueue: 'false' }, STANDARD_NAME_MESSAGE],
    [
      'FifoQueue=true without the .fifo suffix',
      () => uniqueQueueName(),
      { FifoQueue: 'true' },
      FIFO_NAME_MESSAGE,
    ],
  ])('rejects %s as InvalidParameterValue', async (_what, name, attributes, message) => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(name(), attributes));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400, message));
  });

  it.each([
    ['FifoQueue', 'false', 'Unknown Attribute FifoQueue.'],
    ['ContentBasedDeduplication', 'false', 'Unknown Attribute ContentBasedDeduplication.'],
    [
      'DeduplicationScope',
      'queue',
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    ],
    [
      'FifoThroughputLimit',
      'perQueue',
      'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
    ],
  ])('rejects %s=%s on a Standard queue as InvalidAttributeName', async (name, value, message) => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(uniqueQueueName(), { [name]: value }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeName', 400, message));
  });

  it.each([
    ['ContentBasedDeduplication', 'yes'],
    ['DeduplicationScope', 'group'],
    ['FifoThroughputLimit', 'perGroup'],
  ])('rejects %s=%s as InvalidAttributeValue', async (name, value) => {
    const api = await apiFor(protocol);

    const error = await catchError(api.createQueue(fifoName(), { FifoQueue: 'true', [name]: value }));

    expect(error).toMatchObject(
      expectedError(protocol, 'InvalidAttributeValue', 400, `Invalid value for the parameter ${name}.`),
    );
  });

  it('rejects FifoThroughputLimit=perMessageGroupId without DeduplicationScope=messageGroup', async () => {
    const api = await apiFor(protocol);

    const error = await catchError(
      api.createQueue(fifoName(), { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' }),
    );

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400, THROUGHPUT_MESSAGE));
  });
});

describe.each(PROTOCOLS)('FIFO queue attributes over %s', (protocol) => {
  it('returns only the FIFO attributes asked for by name', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    const attributes = await queue.getAttributes(['ContentBasedDeduplication', 'FifoQueue']);

    expect(attributes).toEqual({ ContentBasedDeduplication: 'false', FifoQueue: 'true' });
  });

  it('changes ContentBasedDeduplication, DeduplicationScope and FifoThroughputLimit', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });
    const changed = { ContentBasedDeduplication: 'true', ...HIGH_THROUGHPUT };

    await queue.setAttributes(changed);

    expect(await queue.getAttributes(['All'])).toMatchObject({ ...changed, FifoQueue: 'true' });
  });

  it('accepts FifoQueue=true again and changes nothing', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    await queue.setAttributes({ FifoQueue: 'true' });

    expect(await queue.getAttributes(['FifoQueue'])).toEqual({ FifoQueue: 'true' });
  });

  it('refuses to make a FIFO queue Standard', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    const error = await catchError(queue.setAttributes({ FifoQueue: 'false' }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidAttributeValue',
        400,
        'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
      ),
    );
  });

  it('checks perMessageGroupId against the settings the change leaves', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true', ...HIGH_THROUGHPUT });

    const error = await catchError(queue.setAttributes({ DeduplicationScope: 'queue' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400, THROUGHPUT_MESSAGE));
    expect(await queue.getAttributes(['DeduplicationScope'])).toEqual({ DeduplicationScope: 'messageGroup' });
  });

  it('refuses to make a Standard queue FIFO', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.setAttributes({ FifoQueue: 'true' }));

    expect(error).toMatchObject(
      expectedError(protocol, 'InvalidAttributeName', 400, 'Unknown Attribute FifoQueue.'),
    );
  });

  it('answers a FIFO attribute asked of a Standard queue with InvalidAttributeName', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.getAttributes(['FifoQueue']));
    const all = await queue.getAttributes(['All']);

    expect(error).toMatchObject(
      expectedError(protocol, 'InvalidAttributeName', 400, 'Unknown Attribute FifoQueue.'),
    );
    expect(Object.keys(all).filter((name) => /Fifo|Dedup/.test(name))).toEqual([]);
  });
});

describe.each(PROTOCOLS)('SendMessage validation on a FIFO queue over %s', (protocol) => {
  it('requires a MessageGroupId', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    const error = await catchError(queue.send('body', { messageDeduplicationId: 'd-1' }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'MissingParameter',
        400,
        'The request must contain the parameter MessageGroupId.',
      ),
    );
  });

  it('requires a MessageDeduplicationId without ContentBasedDeduplication', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    const error = await catchError(queue.send('body', { messageGroupId: 'g' }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      ),
    );
  });

  it.each([
    ['MessageGroupId', { messageGroupId: 'group 123', messageDeduplicationId: 'd-1' }, 'group 123'],
    [
      'MessageDeduplicationId',
      { messageGroupId: 'g', messageDeduplicationId: 'x'.repeat(129) },
      'x'.repeat(129),
    ],
  ])('rejects an invalid %s', async (parameter, options, value) => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true' });

    const error = await catchError(queue.send('body', options));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        `Value ${value} for parameter ${parameter} is invalid. Reason: ${parameter} ${FIFO_ID_RULE}`,
      ),
    );
  });

  it('rejects a per-message DelaySeconds', async () => {
    const queue = await createTestQueue(protocol, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });

    const error = await catchError(queue.send('body', { messageGroupId: 'g', delaySeconds: 2 }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        `Value 2 for parameter DelaySeconds is invalid. Reason: ${NOT_FOR_THIS_QUEUE_TYPE}`,
      ),
    );
  });
});

describe.each(PROTOCOLS)('SendMessage validation on a Standard queue over %s', (protocol) => {
  it('rejects a MessageDeduplicationId', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send('body', { messageDeduplicationId: 'd-1' }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        `Value d-1 for parameter MessageDeduplicationId is invalid. Reason: ${NOT_FOR_THIS_QUEUE_TYPE}`,
      ),
    );
  });
});

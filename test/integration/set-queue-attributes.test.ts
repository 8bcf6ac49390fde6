import { describe, expect, it } from 'vitest';
import { pollFor } from '../helpers/poll.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

/** Each settable attribute with its lowest and highest allowed value. */
const RANGES = [
  ['DelaySeconds', 0, 900],
  ['MaximumMessageSize', 1024, 1_048_576],
  ['MessageRetentionPeriod', 60, 1_209_600],
  ['ReceiveMessageWaitTimeSeconds', 0, 20],
  ['VisibilityTimeout', 0, 43_200],
] as const;

describe.each(PROTOCOLS)('SetQueueAttributes over %s', (protocol) => {
  it('changes the attributes GetQueueAttributes returns', async () => {
    const queue = await createTestQueue(protocol);
    const changed = {
      VisibilityTimeout: '45',
      MaximumMessageSize: '4096',
      MessageRetentionPeriod: '3600',
      DelaySeconds: '5',
      ReceiveMessageWaitTimeSeconds: '2',
    };

    await queue.setAttributes(changed);

    // SQS lets attribute changes take a while to propagate; ours should be quick.
    const attributes = await pollFor(
      () => queue.getAttributes(['All']),
      (now) => now.VisibilityTimeout === '45',
      5_000,
    );
    expect(attributes).toMatchObject(changed);
  });

  it('advances LastModifiedTimestamp and keeps CreatedTimestamp', async () => {
    const queue = await createTestQueue(protocol);
    const before = await queue.getAttributes(['CreatedTimestamp', 'LastModifiedTimestamp']);
    // Timestamps are whole seconds: move into the next second so a change can show.
    await pollFor(
      async () => Math.floor(Date.now() / 1000),
      (now) => now > Number(before.LastModifiedTimestamp),
    );

    await queue.setAttributes({ VisibilityTimeout: '31' });

    const after = await queue.getAttributes(['CreatedTimestamp', 'LastModifiedTimestamp']);
    expect(after.CreatedTimestamp).toBe(before.CreatedTimestamp);
    expect(Number(after.LastModifiedTimestamp)).toBeGreaterThan(Number(before.LastModifiedTimestamp));
  });

  it.each(RANGES)('accepts %s at both ends of its range', async (name, lowest, highest) => {
    const queue = await createTestQueue(protocol);

    await queue.setAttributes({ [name]: String(lowest) });
    const low = await queue.getAttributes([name]);
    await queue.setAttributes({ [name]: String(highest) });
    const high = await queue.getAttributes([name]);

    expect(low).toEqual({ [name]: String(lowest) });
    expect(high).toEqual({ [name]: String(highest) });
  });

  it.each(RANGES)(
    'rejects %s just outside its range as InvalidAttributeValue',
    async (name, lowest, highest) => {
      const queue = await createTestQueue(protocol);

      const below = await catchError(queue.setAttributes({ [name]: String(lowest - 1) }));
      const above = await catchError(queue.setAttributes({ [name]: String(highest + 1) }));

      expect(below).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400));
      expect(above).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400));
    },
  );

  it.each(['abc', '1.5', ''])('rejects VisibilityTimeout %j as InvalidAttributeValue', async (value) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.setAttributes({ VisibilityTimeout: value }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeValue', 400));
  });

  it('keeps the old value after a rejected change', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '12' });

    await catchError(queue.setAttributes({ VisibilityTimeout: '-1' }));

    expect(await queue.getAttributes(['VisibilityTimeout'])).toEqual({ VisibilityTimeout: '12' });
  });

  it('rejects an unknown attribute name as InvalidAttributeName', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.setAttributes({ NotAnAttribute: '1' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeName', 400));
  });

  it('rejects a read-only attribute as InvalidAttributeName', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.setAttributes({ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:x' }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeName', 400));
  });
});

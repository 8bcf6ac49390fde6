import { describe, expect, it } from 'vitest';
import { pollFor } from '../helpers/poll.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS, queueArn } from '../helpers/test-queue.js';

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
] as const;

describe.each(PROTOCOLS)('GetQueueAttributes over %s', (protocol) => {
  it("returns SQS's defaults for a queue created without attributes", async () => {
    const queue = await createTestQueue(protocol);

    const attributes = await queue.getAttributes(['All']);

    expect(attributes).toMatchObject({
      VisibilityTimeout: '30',
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600',
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      QueueArn: queueArn(queue.name),
    });
  });

  it('gives QueueArn as arn:aws:sqs:{region}:{account}:{name}', async () => {
    const queue = await createTestQueue(protocol);

    const attributes = await queue.getAttributes(['QueueArn']);

    expect(attributes).toEqual({ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${queue.name}` });
  });

  it('gives CreatedTimestamp and LastModifiedTimestamp in epoch seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const queue = await createTestQueue(protocol);
    const after = Math.ceil(Date.now() / 1000);

    const attributes = await queue.getAttributes(['CreatedTimestamp', 'LastModifiedTimestamp']);

    expect(attributes.CreatedTimestamp).toMatch(/^\d+$/);
    expect(attributes.LastModifiedTimestamp).toMatch(/^\d+$/);
    expect(Number(attributes.CreatedTimestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(Number(attributes.CreatedTimestamp)).toBeLessThanOrEqual(after + 1);
    expect(Number(attributes.LastModifiedTimestamp)).toBeGreaterThanOrEqual(
      Number(attributes.CreatedTimestamp),
    );
  });

  it.each([
    'VisibilityTimeout',
    'MaximumMessageSize',
    'MessageRetentionPeriod',
    'DelaySeconds',
    'ReceiveMessageWaitTimeSeconds',
    'QueueArn',
    'CreatedTimestamp',
    'LastModifiedTimestamp',
    ...COUNTS,
  ])('returns only %s when only it is asked for', async (name) => {
    const queue = await createTestQueue(protocol);

    const attributes = await queue.getAttributes([name]);

    expect(Object.keys(attributes)).toEqual([name]);
  });

  it('returns no attributes when none are asked for', async () => {
    const queue = await createTestQueue(protocol);

    const attributes = await queue.getAttributes([]);

    expect(attributes).toEqual({});
  });

  it('rejects an unknown attribute name as InvalidAttributeName', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.getAttributes(['NotAnAttribute']));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidAttributeName', 400));
  });

  it('counts messages as they move between visible, in flight and delayed', async () => {
    const queue = await createTestQueue(protocol, { VisibilityTimeout: '30' });
    const counts = async () => {
      const attributes = await queue.getAttributes([...COUNTS]);
      return COUNTS.map((name) => Number(attributes[name]));
    };
    // The counts are approximate in SQS; give them a moment to settle instead of reading them once.
    const countsBecome = (expected: number[]) => pollFor(counts, (now) => now.join() === expected.join());

    await queue.send('visible');
    await queue.send('delayed', { delaySeconds: 2 });
    expect(await countsBecome([1, 0, 1])).toEqual([1, 0, 1]);

    const [received] = await queue.receive();
    expect(received?.body).toBe('visible');
    expect(await countsBecome([0, 1, 1])).toEqual([0, 1, 1]);

    expect(await countsBecome([1, 1, 0])).toEqual([1, 1, 0]);

    await queue.delete(received?.receiptHandle ?? '');
    expect(await countsBecome([1, 0, 0])).toEqual([1, 0, 0]);
  });
});

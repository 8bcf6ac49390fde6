import { describe, expect, it } from 'vitest';
import {
  apiFor,
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  type Protocol,
  queueArn,
  uniqueQueueName,
} from '../helpers/test-queue.js';

/** The RedrivePolicy SQS stores and returns: compact JSON, the target first, the count a number. */
function storedRedrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number): string {
  return `{"deadLetterTargetArn":"${deadLetterTargetArn}","maxReceiveCount":${maxReceiveCount}}`;
}

function invalidValue(protocol: Protocol, parameter: string, value: string, reason: string) {
  return expectedError(
    protocol,
    'InvalidParameterValue',
    400,
    `Value ${value} for parameter ${parameter} is invalid. Reason: ${reason}`,
  );
}

describe.each(PROTOCOLS)('RedrivePolicy over %s', (protocol) => {
  it('is returned in the form SQS stores it, by name and with All', async () => {
    const dlq = await createTestQueue(protocol);
    const sent = `{ "maxReceiveCount": "5", "deadLetterTargetArn": "${dlq.arn}" }`;

    const source = await createTestQueue(protocol, { RedrivePolicy: sent });

    const expected = storedRedrivePolicy(dlq.arn, 5);
    expect(await source.getAttributes(['RedrivePolicy'])).toEqual({ RedrivePolicy: expected });
    expect((await source.getAttributes(['All'])).RedrivePolicy).toBe(expected);
  });

  it('is absent from a queue without one', async () => {
    const queue = await createTestQueue(protocol);

    expect(await queue.getAttributes(['RedrivePolicy', 'RedriveAllowPolicy'])).toEqual({});
    expect(await queue.getAttributes(['All'])).not.toHaveProperty('RedrivePolicy');
  });

  it('makes a repeated CreateQueue with the same policy, written differently, succeed', async () => {
    const api = await apiFor(protocol);
    const dlq = await createTestQueue(protocol);
    const name = uniqueQueueName();

    const first = await api.createQueue(name, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });
    const second = await api.createQueue(name, {
      RedrivePolicy: JSON.stringify({ maxReceiveCount: '3', deadLetterTargetArn: dlq.arn }),
    });
    const differentCount = await catchError(
      api.createQueue(name, {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 }),
      }),
    );

    expect(second).toBe(first);
    expect(differentCount).toMatchObject(
      expectedError(
        protocol,
        'QueueNameExists',
        400,
        'A queue already exists with the same name and a different value for attribute RedrivePolicy',
      ),
    );
  });

  it('is set, replaced and removed (with an empty value) by SetQueueAttributes', async () => {
    const first = await createTestQueue(protocol);
    const second = await createTestQueue(protocol);
    const source = await createTestQueue(protocol);

    await source.setAttributes({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: first.arn, maxReceiveCount: 1 }),
    });
    const set = await source.getAttributes(['RedrivePolicy']);
    await source.setAttributes({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: second.arn, maxReceiveCount: 1000 }),
    });
    const replaced = await source.getAttributes(['RedrivePolicy']);
    await source.setAttributes({ RedrivePolicy: '' });
    const removed = await source.getAttributes(['All']);

    expect(set).toEqual({ RedrivePolicy: storedRedrivePolicy(first.arn, 1) });
    expect(replaced).toEqual({ RedrivePolicy: storedRedrivePolicy(second.arn, 1000) });
    expect(removed).not.toHaveProperty('RedrivePolicy');
  });

  it('pairs a FIFO queue with a FIFO dead-letter queue', async () => {
    const dlq = await createTestQueue(protocol, { FifoQueue: 'true' });
    const policy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });

    const source = await createTestQueue(protocol, { FifoQueue: 'true', RedrivePolicy: policy });

    expect(await source.getAttributes(['RedrivePolicy'])).toEqual({
      RedrivePolicy: storedRedrivePolicy(dlq.arn, 2),
    });
  });

  it.each(['[]', 'not json'])('rejects %j as not a JSON map', async (value) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.setAttributes({ RedrivePolicy: value }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.',
      ),
    );
  });

  it.each([
    [{ deadLetterTargetArn: 'DLQ' }, 'Redrive policy does not contain mandatory attribute: maxReceiveCount.'],
    [{ maxReceiveCount: 5 }, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.'],
    [
      { deadLetterTargetArn: 'DLQ', maxReceiveCount: 0 },
      'Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.',
    ],
    [
      { deadLetterTargetArn: 'DLQ', maxReceiveCount: 1001 },
      'Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 both inclusive.',
    ],
    [
      { deadLetterTargetArn: 'arn:aws:sns:us-east-1:000000000000:topic', maxReceiveCount: 5 },
      'Only SQS queues are valid resources for deadLetterTargetArn.',
    ],
    [
      { deadLetterTargetArn: 'DLQ', maxReceiveCount: 5, extra: true },
      'Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].',
    ],
    [
      { deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:000000000000:DLQ', maxReceiveCount: 5 },
      'Dead-letter target must be in same region as the source.',
    ],
    [
      { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:111111111111:DLQ', maxReceiveCount: 5 },
      'Dead-letter target owner should be same as the source.',
    ],
    [
      { deadLetterTargetArn: queueArn('no-such-queue-for-redrive'), maxReceiveCount: 5 },
      'Dead letter target does not exist.',
    ],
  ])('rejects %j quoting it as sent', async (policy, reason) => {
    const dlq = await createTestQueue(protocol);
    const queue = await createTestQueue(protocol);
    const value = JSON.stringify(policy).replace('"DLQ"', JSON.stringify(dlq.arn));

    const error = await catchError(queue.setAttributes({ RedrivePolicy: value }));

    expect(error).toMatchObject(invalidValue(protocol, 'RedrivePolicy', value, reason));
  });

  it('rejects a target that is not an ARN before looking it up (recorded against AWS)', async () => {
    const value = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';

    const error = await catchError(createTestQueue(protocol, { RedrivePolicy: value }));

    expect(error).toMatchObject(
      invalidValue(protocol, 'RedrivePolicy', value, 'Invalid value for deadLetterTargetArn.'),
    );
  });

  it('rejects a dead-letter queue of the other type, either way round', async () => {
    const standardDlq = await createTestQueue(protocol);
    const fifoDlq = await createTestQueue(protocol, { FifoQueue: 'true' });
    const toFifo = JSON.stringify({ deadLetterTargetArn: fifoDlq.arn, maxReceiveCount: 3 });
    const toStandard = JSON.stringify({ deadLetterTargetArn: standardDlq.arn, maxReceiveCount: 3 });
    const reason = 'Dead-letter queue must be same type of queue as the source..';

    const standardSource = await catchError(createTestQueue(protocol, { RedrivePolicy: toFifo }));
    const fifoSource = await catchError(
      createTestQueue(protocol, { FifoQueue: 'true', RedrivePolicy: toStandard }),
    );

    expect(standardSource).toMatchObject(invalidValue(protocol, 'RedrivePolicy', toFifo, reason));
    expect(fifoSource).toMatchObject(invalidValue(protocol, 'RedrivePolicy', toStandard, reason));
  });

  it('creates nothing when CreateQueue names a missing dead-letter queue', async () => {
    const api = await apiFor(protocol);
    const name = uniqueQueueName();
    const policy = JSON.stringify({ deadLetterTargetArn: queueArn(uniqueQueueName()), maxReceiveCount: 3 });

    const created = await catchError(api.createQueue(name, { RedrivePolicy: policy }));
    const lookedUp = await catchError(api.getQueueUrl(name));

    expect(created).toMatchObject(
      invalidValue(protocol, 'RedrivePolicy', policy, 'Dead letter target does not exist.'),
    );
    expect(lookedUp).toMatchObject(expectedError(protocol, 'QueueDoesNotExist', 400));
  });

  it('keeps the old policy after a rejected change', async () => {
    const dlq = await createTestQueue(protocol);
    const stored = storedRedrivePolicy(dlq.arn, 3);
    const queue = await createTestQueue(protocol, { RedrivePolicy: stored });

    await catchError(
      queue.setAttributes({
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 0 }),
      }),
    );

    expect(await queue.getAttributes(['RedrivePolicy'])).toEqual({ RedrivePolicy: stored });
  });
});

describe.each(PROTOCOLS)('RedriveAllowPolicy over %s', (protocol) => {
  function cannotCreate(value: string, reason: string) {
    return invalidValue(
      protocol,
      'RedriveAllowPolicy',
      value,
      `Amazon SQS can't create the redrive allow policy. ${reason}`,
    );
  }

  it('is returned normalised, by name and with All, and removed with an empty value', async () => {
    const source = queueArn(uniqueQueueName());
    const dlq = await createTestQueue(protocol, {
      RedriveAllowPolicy: `{ "sourceQueueArns": ["${source}"], "redrivePermission": "byQueue" }`,
    });

    const byName = await dlq.getAttributes(['RedriveAllowPolicy']);
    const all = await dlq.getAttributes(['All']);
    await dlq.setAttributes({ RedriveAllowPolicy: '' });
    const removed = await dlq.getAttributes(['All']);

    const expected = `{"redrivePermission":"byQueue","sourceQueueArns":["${source}"]}`;
    expect(byName).toEqual({ RedriveAllowPolicy: expected });
    expect(all.RedriveAllowPolicy).toBe(expected);
    expect(removed).not.toHaveProperty('RedriveAllowPolicy');
  });

  it.each(['allowAll', 'denyAll'])('accepts %s', async (permission) => {
    const dlq = await createTestQueue(protocol);

    await dlq.setAttributes({ RedriveAllowPolicy: JSON.stringify({ redrivePermission: permission }) });

    expect(await dlq.getAttributes(['RedriveAllowPolicy'])).toEqual({
      RedriveAllowPolicy: `{"redrivePermission":"${permission}"}`,
    });
  });

  it.each([
    'not json',
    JSON.stringify({ redrivePermission: 'everyone' }),
    JSON.stringify({ redrivePermission: 'allowAll', extra: 1 }),
  ])('rejects %s as an unsupported format', async (value) => {
    const dlq = await createTestQueue(protocol);

    const error = await catchError(dlq.setAttributes({ RedriveAllowPolicy: value }));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.",
      ),
    );
  });

  it('rejects byQueue without source queue ARNs', async () => {
    const value = JSON.stringify({ redrivePermission: 'byQueue' });

    const error = await catchError(createTestQueue(protocol, { RedriveAllowPolicy: value }));

    expect(error).toMatchObject(
      cannotCreate(
        value,
        'When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.',
      ),
    );
  });

  it('rejects more than 10 source queue ARNs', async () => {
    const arns = Array.from({ length: 11 }, () => queueArn(uniqueQueueName()));
    const value = JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: arns });

    const error = await catchError(createTestQueue(protocol, { RedriveAllowPolicy: value }));

    expect(error).toMatchObject(
      cannotCreate(value, 'The maximum number of source queue ARNs you can specify is 10.'),
    );
  });

  it('rejects source queue ARNs without byQueue', async () => {
    const value = JSON.stringify({ redrivePermission: 'allowAll', sourceQueueArns: [queueArn('q')] });

    const error = await catchError(createTestQueue(protocol, { RedriveAllowPolicy: value }));

    expect(error).toMatchObject(
      cannotCreate(
        value,
        'To specify one or more source queue ARNs, you must set redrivePermission to byQueue.',
      ),
    );
  });

  it('refuses a source queue its dead-letter queue denies, at CreateQueue and SetQueueAttributes', async () => {
    const api = await apiFor(protocol);
    const dlq = await createTestQueue(protocol, {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }),
    });
    const existing = await createTestQueue(protocol);
    const newName = uniqueQueueName();
    const policy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 });

    const created = await catchError(api.createQueue(newName, { RedrivePolicy: policy }));
    const set = await catchError(existing.setAttributes({ RedrivePolicy: policy }));

    const refusal = (source: string) =>
      invalidValue(
        protocol,
        'RedrivePolicy',
        policy,
        `The RedriveAllowPolicy of ${dlq.arn} does not allow ${source} to use it as a dead-letter queue.`,
      );
    expect(created).toMatchObject(refusal(queueArn(newName)));
    expect(set).toMatchObject(refusal(existing.arn));
  });

  it('admits only the source queues byQueue names', async () => {
    const allowedName = uniqueQueueName();
    const other = await createTestQueue(protocol);
    const dlq = await createTestQueue(protocol, {
      RedriveAllowPolicy: JSON.stringify({
        redrivePermission: 'byQueue',
        sourceQueueArns: [queueArn(allowedName)],
      }),
    });
    const policy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 });

    const allowed = await createTestQueue(protocol, { RedrivePolicy: policy }, { name: allowedName });
    const refused = await catchError(other.setAttributes({ RedrivePolicy: policy }));

    expect(await allowed.getAttributes(['RedrivePolicy'])).toEqual({
      RedrivePolicy: storedRedrivePolicy(dlq.arn, 3),
    });
    expect(refused).toMatchObject(
      invalidValue(
        protocol,
        'RedrivePolicy',
        policy,
        `The RedriveAllowPolicy of ${dlq.arn} does not allow ${other.arn} to use it as a dead-letter queue.`,
      ),
    );
  });
});

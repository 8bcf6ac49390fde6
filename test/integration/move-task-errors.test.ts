import { describe, expect, it } from 'vitest';
import { createDeadLetterPair } from '../helpers/dead-letter.js';
import {
  catchError,
  createTestQueue,
  expectedError,
  PROTOCOLS,
  queueArn,
  uniqueQueueName,
} from '../helpers/test-queue.js';

/** Errors recorded against real SQS (LocalStack's move task snapshots), unless a test says otherwise. */
describe.each(PROTOCOLS)('Message move task errors over %s', (protocol) => {
  it('rejects a source queue that is no queue’s dead-letter queue', async () => {
    const source = await createTestQueue(protocol);
    const destination = await createTestQueue(protocol);

    const error = await catchError(
      source.api.startMessageMoveTask(source.arn, { destinationArn: destination.arn }),
    );

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        'Source queue must be configured as a Dead Letter Queue.',
      ),
    );
  });

  it('rejects a SourceArn of a queue that does not exist with ResourceNotFoundException', async () => {
    const { dlq } = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });

    const error = await catchError(dlq.api.startMessageMoveTask(queueArn(uniqueQueueName('missing'))));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'ResourceNotFoundException',
        404,
        "The resource that you specified for the SourceArn parameter doesn't exist.",
      ),
    );
  });

  it('rejects a DestinationArn of a queue that does not exist with ResourceNotFoundException', async () => {
    const { dlq } = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });

    const error = await catchError(
      dlq.api.startMessageMoveTask(dlq.arn, { destinationArn: `${dlq.arn}doesntexist` }),
    );

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'ResourceNotFoundException',
        404,
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
      ),
    );
  });

  // SQS documents a maximum of 500; no recorded response gives the exact wording, so only the code and
  // the parameter's name are checked.
  it.each([0, 501])('rejects MaxNumberOfMessagesPerSecond %i as InvalidParameterValue', async (rate) => {
    const { dlq } = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });

    const error = await catchError(
      dlq.api.startMessageMoveTask(dlq.arn, { maxNumberOfMessagesPerSecond: rate }),
    );

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
    expect(error.message).toContain('MaxNumberOfMessagesPerSecond');
    expect(await dlq.api.listMessageMoveTasks(dlq.arn)).toEqual([]);
  });

  it('rejects a TaskHandle that is not one', async () => {
    const { dlq } = await createDeadLetterPair(protocol, { maxReceiveCount: 1 });

    const error = await catchError(dlq.api.cancelMessageMoveTask('foobared'));

    expect(error).toMatchObject(
      expectedError(protocol, 'InvalidParameterValue', 400, 'Value for parameter TaskHandle is invalid.'),
    );
  });
});

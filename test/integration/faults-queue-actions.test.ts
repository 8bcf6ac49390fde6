import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import { errorCodeOf, type FaultyService, startFaultyService } from '../helpers/fault-service.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

/** DeleteQueue: the delete of a queue record. */
const isQueueRecord = (body: DynamoRequest) => String(body.Key?.pk?.S ?? '').startsWith('Q#');
/** CancelMessageMoveTask: the task's update to CANCELLING. */
const isCancel = (body: DynamoRequest) =>
  Object.values(body.ExpressionAttributeValues ?? {}).some(
    (value) => (value as DynamoRequest).S === 'CANCELLING',
  );

const outcomeOf = (call: Promise<unknown>) =>
  call.then(
    () => 'ok',
    (error: unknown) => errorCodeOf(error),
  );

describe('DeleteQueue under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('deletes the queue and answers success when its delete meets %s', async (fault) => {
    const queue = await stack.createQueue();
    const armed = stack.proxy.next({ op: 'DeleteItem', when: isQueueRecord, fault });

    const outcome = await outcomeOf(queue.deleteQueue());
    const lookup = await outcomeOf(stack.api.getQueueUrl(queue.name));

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(lookup).toBe('QueueDoesNotExist');
  });
});

describe('CancelMessageMoveTask under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('cancels the task and answers success when its update meets %s', async (fault) => {
    const dlq = await stack.createQueue({}, 'dlq');
    const source = await stack.createQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    for (let i = 0; i < 5; i++) await dlq.send(`waiting ${i}`);
    const handle = await stack.api.startMessageMoveTask(dlq.arn, {
      destinationArn: source.arn,
      maxNumberOfMessagesPerSecond: 1,
    });
    const armed = stack.proxy.next({ op: 'UpdateItem', when: isCancel, fault });

    const outcome = await outcomeOf(stack.api.cancelMessageMoveTask(handle));
    const [task] = await stack.api.listMessageMoveTasks(dlq.arn);

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(task?.status).toBeOneOf(['CANCELLING', 'CANCELLED']);
  });
});

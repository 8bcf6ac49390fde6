import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import {
  bindFaultQueue,
  createRetryingClient,
  errorCodeOf,
  type FaultyService,
  startFaultyService,
} from '../helpers/fault-service.js';
import { createJsonApi } from '../helpers/json-api.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import type { TestQueue } from '../helpers/test-queue.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

/** A write to a FIFO group item (`G#…`, sort key `#`), outside a transaction. */
const onGroupItem = (body: DynamoRequest) =>
  String(body.Key?.pk?.S ?? '').startsWith('G#') && body.Key?.sk?.S === '#';
/** The receive's lock: the group item's update that sets `held`. */
const isLock = (body: DynamoRequest) =>
  onGroupItem(body) && String(body.UpdateExpression ?? '').includes('#held = :held');

/** The same queue through a client that makes one attempt per call, so the test sees what the service answered. */
function withoutRetries(queue: TestQueue): TestQueue {
  const sqs = createRetryingClient(stack.url, { maxAttempts: 1 });
  return bindFaultQueue(createJsonApi(sqs), queue.name, queue.url);
}

async function sendToGroup(queue: TestQueue, group: string, bodies: readonly string[]): Promise<void> {
  const entries = bodies.map((body, i) => ({
    id: `e${i}`,
    body,
    messageGroupId: group,
    messageDeduplicationId: body,
  }));
  expect((await queue.sendBatch(entries)).failed).toEqual([]);
}

/** Receives until some messages arrive or `deadlineMs` passes; returns them and when they arrived. */
async function receiveSome(
  queue: TestQueue,
  deadlineMs: number,
): Promise<{ messages: ReceivedMessage[]; atMs: number }> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const messages = await queue.receive({
      maxNumberOfMessages: 10,
      waitTimeSeconds: 1,
      messageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    if (messages.length > 0 || Date.now() > deadline) return { messages, atMs: Date.now() };
  }
}

/** What a call ended with, as a client sees it: 'ok' or the error's code and status. */
async function outcomeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (error: unknown) => `${errorCodeOf(error)} ${(error as { status?: number }).status ?? ''}`.trim(),
  );
}

describe('ReceiveMessage on a FIFO queue under DynamoDB faults', () => {
  it('returns the messages it locked when the lock is applied but its answer is lost', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '10' });
    await sendToGroup(queue, 'locked', ['a', 'b', 'c']);
    const fault = stack.proxy.next({ op: 'UpdateItem', when: isLock, fault: 'drop-after' });

    const startedMs = Date.now();
    const { messages, atMs } = await receiveSome(queue, 8_000);

    expect(fault.hasFired()).toBe(true);
    expect(messages.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    // At worst a later receive gets them; never only after the whole 10 s visibility timeout.
    expect(atMs - startedMs).toBeLessThan(4_000);
  });

  it.each(['throttle', 'fail-500', 'drop-before', 'stall'] as const)(
    'returns the group in order when the lock meets %s',
    async (fault) => {
      const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '10' });
      await sendToGroup(queue, 'g', ['1', '2', '3']);
      stack.proxy.next({ op: 'UpdateItem', when: isLock, fault, delayMs: 6_000, afterStall: 'forward' });

      const { messages } = await receiveSome(queue, 12_000);

      expect(messages.map((m) => m.body)).toEqual(['1', '2', '3']);
    },
    30_000,
  );
});

describe('ChangeMessageVisibility on a FIFO queue under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)('makes the group receivable at once when its update meets %s', async (fault) => {
    const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '20' });
    await sendToGroup(queue, 'g', ['x']);
    const { messages } = await receiveSome(queue, 5_000);
    const armed = stack.proxy.next({ op: 'UpdateItem', when: onGroupItem, fault });

    const outcome = await outcomeOf(
      queue.changeVisibility((messages[0] as ReceivedMessage).receiptHandle, 0),
    );
    const again = await receiveSome(queue, 5_000);

    expect(armed.hasFired()).toBe(true);
    expect(outcome).toBe('ok');
    expect(again.messages.map((m) => m.body)).toEqual(['x']);
  });
});

describe('FIFO group writes meeting TransactionConflictException', () => {
  it('receives without a 500', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '10' });
    await sendToGroup(queue, 'g', ['x']);
    stack.proxy.next({ op: 'UpdateItem', when: onGroupItem, fault: 'transaction-conflict' });

    const outcome = await outcomeOf(withoutRetries(queue).receive({ maxNumberOfMessages: 10 }));

    expect(outcome).toBeOneOf(['ok', 'RequestThrottled 403', 'ServiceUnavailable 503']);
  });

  it('deletes without a 500', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '10' });
    await sendToGroup(queue, 'g', ['x', 'y']);
    const { messages } = await receiveSome(queue, 5_000);
    stack.proxy.next({ op: 'UpdateItem', when: onGroupItem, fault: 'transaction-conflict' });

    const outcome = await outcomeOf(
      withoutRetries(queue).delete((messages[0] as ReceivedMessage).receiptHandle),
    );

    expect(outcome).toBeOneOf(['ok', 'RequestThrottled 403', 'ServiceUnavailable 503']);
  });

  it('changes visibility without a 500', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true', VisibilityTimeout: '10' });
    await sendToGroup(queue, 'g', ['x']);
    const { messages } = await receiveSome(queue, 5_000);
    stack.proxy.next({ op: 'UpdateItem', when: onGroupItem, fault: 'transaction-conflict' });

    const outcome = await outcomeOf(
      withoutRetries(queue).changeVisibility((messages[0] as ReceivedMessage).receiptHandle, 0),
    );

    expect(outcome).toBeOneOf(['ok', 'RequestThrottled 403', 'ServiceUnavailable 503']);
  });

  it('sends without a 500 when the send transaction is cancelled for a conflict', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true' });
    stack.proxy.next({ op: 'TransactWriteItems', fault: 'transaction-conflict' });

    const outcome = await outcomeOf(
      withoutRetries(queue).send('conflicted', { messageGroupId: 'g', messageDeduplicationId: 'conflicted' }),
    );

    expect(outcome).toBeOneOf(['ok', 'RequestThrottled 403', 'ServiceUnavailable 503']);
  });
});

describe('SendMessageBatch on a FIFO queue under contention', () => {
  it('never answers 500 to 8 producers sending batches of 10 into 64 groups', async () => {
    const queue = await stack.createQueue({ FifoQueue: 'true' });
    const producer = withoutRetries(queue);
    const outcomes = new Map<string, number>();

    await Promise.all(
      Array.from({ length: 8 }, async (_, p) => {
        for (let n = 0; n < 12; n++) {
          const entries = Array.from({ length: 10 }, (_, i) => ({
            id: `e${i}`,
            body: `${p}-${n}-${i}`,
            messageGroupId: `g${Math.floor(Math.random() * 64)}`,
            messageDeduplicationId: `${p}-${n}-${i}`,
          }));
          const outcome = await outcomeOf(
            producer.sendBatch(entries).then((result) => {
              if (result.failed.length > 0) throw new Error(result.failed.map((f) => f.code).join());
            }),
          );
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );

    const unexpected = [...outcomes].filter(([outcome]) => !['ok', 'RequestThrottled 403'].includes(outcome));
    expect(Object.fromEntries(unexpected)).toEqual({});
  }, 60_000);
});

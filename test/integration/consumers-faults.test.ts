import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Invoker } from '../../lambda/consumers/ports.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import { pollUntil } from '../helpers/poll.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint'), faults: true });
});
afterEach(() => stack.proxy?.clear());
afterAll(() => stack.close());

const isDelete = (body: DynamoRequest) =>
  (Object.values(body.RequestItems ?? {}).flat() as DynamoRequest[]).some(
    (r) => r.DeleteRequest !== undefined,
  );

interface Delivery {
  readonly messageId: string;
  readonly body: string;
  readonly ok: boolean;
}

/** Fails the first delivery of every body starting with "fail", reported as a batch item failure. */
function handler(): { deliveries: Delivery[]; invoker: Invoker } {
  const deliveries: Delivery[] = [];
  const invoker: Invoker = async (event) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const { messageId, body } of event.Records) {
      const ok = !(
        body.startsWith('fail') && !deliveries.some((delivery) => delivery.messageId === messageId)
      );
      deliveries.push({ messageId, body, ok });
      if (!ok) failures.push({ itemIdentifier: messageId });
    }
    return { kind: 'returned', payload: { batchItemFailures: failures } };
  };
  return { deliveries, invoker };
}

async function messagesLeft(url: string): Promise<number> {
  const { Attributes = {} } = await stack.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

async function sendBodies(url: string, bodies: readonly string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies
      .slice(start, start + 10)
      .map((body, index) => ({ Id: String(index), MessageBody: body }));
    const result = await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    expect(result.Failed ?? []).toEqual([]);
  }
}

describe('the dispatcher under DynamoDB faults', () => {
  it.each(INSTANT_FAULTS)(
    'loses no record and keeps failed ones when its delete meets %s',
    async (fault) => {
      const queueName = uniqueQueueName('fault-delete');
      const url = await stack.createQueue(queueName, { VisibilityTimeout: '2' });
      const { deliveries, invoker } = handler();
      stack.consume({ queueName, reportBatchItemFailures: true, maxConcurrency: 2 }, invoker);
      stack.proxy?.next({ op: 'BatchWriteItem', when: isDelete, fault });

      await sendBodies(url, ['ok-1', 'fail-1', 'ok-2']);
      await pollUntil(
        async () => (await messagesLeft(url)) === 0 && deliveries.filter((d) => d.ok).length >= 3,
        20_000,
        200,
      );

      expect(new Set(deliveries.filter((d) => d.ok).map((d) => d.body))).toEqual(
        new Set(['ok-1', 'fail-1', 'ok-2']),
      );
      const failed = deliveries.filter((delivery) => delivery.body === 'fail-1');
      // Failed first, so kept; its later delivery succeeded (again, if the faulted delete was its own).
      expect(failed[0]?.ok).toBe(false);
      expect(failed.slice(1).every((delivery) => delivery.ok)).toBe(true);
      expect(failed.length).toBeGreaterThanOrEqual(2);
    },
    30_000,
  );

  it('processes every record, and never deletes a failed one, with 15% of all DynamoDB calls failing', async () => {
    const queueName = uniqueQueueName('fault-random');
    const url = await stack.createQueue(queueName, { VisibilityTimeout: '2' });
    const bodies = Array.from({ length: 30 }, (_, index) => `${index % 3 === 0 ? 'fail' : 'ok'}-${index}`);
    const { deliveries, invoker } = handler();
    stack.consume({ queueName, reportBatchItemFailures: true, batchSize: 5, maxConcurrency: 4 }, invoker);

    await sendBodies(url, bodies);
    stack.proxy?.setRate({ rate: 0.15, kinds: INSTANT_FAULTS });
    await pollUntil(
      async () =>
        new Set(deliveries.filter((delivery) => delivery.ok).map((delivery) => delivery.body)).size ===
        bodies.length,
      60_000,
      200,
    );
    stack.proxy?.clear();
    await pollUntil(async () => (await messagesLeft(url)) === 0, 30_000, 200);

    for (const body of bodies.filter((each) => each.startsWith('fail'))) {
      const mine = deliveries.filter((delivery) => delivery.body === body);
      // Its failed delivery kept it: a later one succeeded.
      expect(mine[0]?.ok, body).toBe(false);
      expect(
        mine.some((delivery) => delivery.ok),
        body,
      ).toBe(true);
    }
  }, 120_000);
});

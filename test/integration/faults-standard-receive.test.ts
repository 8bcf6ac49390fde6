import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import { type FaultyService, receiveUntil, startFaultyService } from '../helpers/fault-service.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

/** A call on a Standard queue's timeline (`T#…` partitions). */
const onTimeline = (body: DynamoRequest) =>
  String(body.Key?.pk?.S ?? body.Item?.pk?.S ?? '').startsWith('T#');
/** The claim's deciding delete: the state item as this receiver read it. */
const isClaimDelete = (body: DynamoRequest) =>
  onTimeline(body) && String(body.ConditionExpression ?? '').startsWith('attribute_exists(pk)');
/** The claim's first write: the moved copy. */
const isClaimPut = (body: DynamoRequest) =>
  onTimeline(body) && body.ConditionExpression === 'attribute_not_exists(pk)';

describe('ReceiveMessage on a Standard queue under DynamoDB faults', () => {
  it('keeps the message when the claim delete is applied but its answer is lost', async () => {
    const queue = await stack.createQueue({ VisibilityTimeout: '10' });
    await queue.send('survivor');
    const fault = stack.proxy.next({ op: 'DeleteItem', when: isClaimDelete, fault: 'drop-after' });

    const first = await queue.receive({ maxNumberOfMessages: 1, visibilityTimeout: 10 });
    const later = first.length > 0 ? [] : await receiveUntil(queue, 'survivor', 14_000);

    expect(fault.hasFired()).toBe(true);
    expect([...first, ...later].map((m) => m.body)).toContain('survivor');
  }, 30_000);

  it('delivers the message once when the claim copy is applied but its answer is lost', async () => {
    const queue = await stack.createQueue({ VisibilityTimeout: '10' });
    await queue.send('once');
    const fault = stack.proxy.next({ op: 'PutItem', when: isClaimPut, fault: 'drop-after' });

    const received = await receiveUntil(queue, 'once', 14_000);
    await queue.delete((received[0] as ReceivedMessage).receiptHandle);
    const again = await receiveUntil(queue, 'once', 12_000);

    expect(fault.hasFired()).toBe(true);
    expect(received.map((m) => m.body)).toEqual(['once']);
    expect(again).toEqual([]);
  }, 40_000);

  it('keeps the message when a short-timeout claim transaction is applied but its answer is lost', async () => {
    const queue = await stack.createQueue({ VisibilityTimeout: '2' });
    await queue.send('atomic');
    const fault = stack.proxy.next({ op: 'TransactWriteItems', fault: 'drop-after' });

    const received = await receiveUntil(queue, 'atomic', 8_000);

    expect(fault.hasFired()).toBe(true);
    expect(received.map((m) => m.body)).toEqual(['atomic']);
  });

  it.each(INSTANT_FAULTS)(
    'returns the message or a retryable error when the claim delete meets %s, and loses nothing',
    async (fault) => {
      const queue = await stack.createQueue({ VisibilityTimeout: '10' });
      await queue.send(`claim-${fault}`);
      stack.proxy.next({ op: 'DeleteItem', when: isClaimDelete, fault });
      stack.proxy.next({ op: 'DeleteItem', when: isClaimDelete, fault });

      const received = await receiveUntil(queue, `claim-${fault}`, 14_000);

      expect(received.map((m) => m.body)).toEqual([`claim-${fault}`]);
    },
    30_000,
  );

  it('answers a receive within the client timeout when a read stalls, and loses nothing', async () => {
    const queue = await stack.createQueue({ VisibilityTimeout: '10' });
    await queue.send('stalled');
    stack.proxy.next({
      op: 'Query',
      when: onTimelineQuery,
      fault: 'stall',
      delayMs: 4_000,
      afterStall: 'drop',
    });

    const startedMs = Date.now();
    const received = await receiveUntil(queue, 'stalled', 14_000);

    expect(received.map((m) => m.body)).toEqual(['stalled']);
    expect(Date.now() - startedMs).toBeLessThan(14_000);
  }, 30_000);
});

function onTimelineQuery(body: DynamoRequest): boolean {
  return String(body.ExpressionAttributeValues?.[':pk']?.S ?? '').startsWith('T#');
}

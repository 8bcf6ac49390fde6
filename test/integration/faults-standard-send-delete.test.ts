import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoRequest, INSTANT_FAULTS } from '../helpers/fault-proxy.js';
import {
  errorCodeOf,
  type FaultyService,
  isRetryableClientError,
  messagesIn,
  receiveUntil,
  startFaultyService,
} from '../helpers/fault-service.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

const requests = (body: DynamoRequest): DynamoRequest[] =>
  Object.values(body.RequestItems ?? {}).flat() as DynamoRequest[];
/** A send's BatchWriteItem: it puts state items on a timeline. */
const isSend = (body: DynamoRequest) =>
  requests(body).some((r) => String(r.PutRequest?.Item?.pk?.S ?? '').startsWith('T#'));
/** A strong read of state items: the send's read-back after a lost answer. */
const readsState = (body: DynamoRequest) =>
  Object.values(body.RequestItems ?? {}).some((table) =>
    ((table as DynamoRequest).Keys ?? []).some((key: DynamoRequest) =>
      String(key.pk?.S ?? '').startsWith('T#'),
    ),
  );
/** A delete's BatchWriteItem: it deletes state items. */
const isDelete = (body: DynamoRequest) => requests(body).some((r) => r.DeleteRequest !== undefined);

/** The code of what a call threw, marked when the SDK would not retry it. */
const codeOf = (error: unknown) => (isRetryableClientError(error) ? 'retryable' : errorCodeOf(error));
const RETRYABLE = ['retryable'];

const FAULTS = [...INSTANT_FAULTS, 'delay'] as const;

describe('SendMessage on a Standard queue under DynamoDB faults', () => {
  it.each(FAULTS)('delivers an acknowledged send exactly once when its write meets %s', async (fault) => {
    const queue = await stack.createQueue({ VisibilityTimeout: '2' });
    stack.proxy.next({ op: 'BatchWriteItem', when: isSend, fault });

    const sent = await queue.send(`sent-${fault}`).then(
      (result) => result.messageId,
      (error: unknown) => error,
    );
    const received = await receiveUntil(queue, `sent-${fault}`, 5_000);
    if (received[0]) await queue.delete(received[0].receiptHandle);

    if (typeof sent === 'string') expect(received.map((m) => m.messageId)).toEqual([sent]);
    else expect(codeOf(sent)).toBeOneOf(RETRYABLE);
    // No second copy anywhere, visible or not.
    expect(await messagesIn(queue)).toBe(0);
  });

  it('never delivers a deleted message again when its send lost its answer', async () => {
    const queue = await stack.createQueue({ VisibilityTimeout: '10' });
    stack.proxy.next({ op: 'BatchWriteItem', when: isSend, fault: 'drop-after' });
    // The send reads its items back before deciding anything; that read waits until the message was
    // received and deleted, which a blind resend of the write would have brought back.
    const readBack = stack.proxy.next({
      op: 'BatchGetItem',
      when: readsState,
      fault: 'delay',
      delayMs: 2_500,
    });

    const sending = queue.send('deleted once').then(
      (result) => result.messageId,
      (error: unknown) => error,
    );
    const [received] = await receiveUntil(queue, 'deleted once', 2_000);
    await queue.delete((received as ReceivedMessage).receiptHandle);
    const sent = await sending;
    const later = await receiveUntil(queue, 'deleted once', 12_000);

    expect(readBack.hasFired()).toBe(true);
    expect(later.map((m) => m.messageId)).not.toContain(received?.messageId);
    // The service could not tell this from a partly applied write, so it answered 503 and the SDK sent the
    // message again: a new message, delivered once, as when SQS loses a send's answer.
    if (typeof sent === 'string') {
      expect(sent).not.toBe(received?.messageId);
      expect(later.map((m) => m.messageId)).toEqual([sent]);
    } else {
      expect(codeOf(sent)).toBeOneOf(RETRYABLE);
    }
  }, 30_000);
});

describe('DeleteMessage on a Standard queue under DynamoDB faults', () => {
  it.each(FAULTS)('deletes for good when its write meets %s', async (fault) => {
    const queue = await stack.createQueue({ VisibilityTimeout: '2' });
    await queue.send(`deleted-${fault}`);
    const [message] = await receiveUntil(queue, `deleted-${fault}`, 5_000);
    stack.proxy.next({ op: 'BatchWriteItem', when: isDelete, fault });

    const outcome = await queue.delete((message as ReceivedMessage).receiptHandle).then(
      () => 'deleted',
      (error: unknown) => error,
    );

    if (outcome === 'deleted') expect(await messagesIn(queue)).toBe(0);
    else expect(codeOf(outcome)).toBeOneOf(RETRYABLE);
  });
});

describe('ChangeMessageVisibility on a Standard queue under DynamoDB faults', () => {
  it.each(FAULTS)('makes the message visible at once when its update meets %s', async (fault) => {
    const queue = await stack.createQueue({ VisibilityTimeout: '20' });
    await queue.send(`visible-${fault}`);
    const [message] = await receiveUntil(queue, `visible-${fault}`, 5_000);
    stack.proxy.next({ op: 'UpdateItem', fault });

    const outcome = await queue.changeVisibility((message as ReceivedMessage).receiptHandle, 0).then(
      () => 'changed',
      (error: unknown) => error,
    );
    const again = await receiveUntil(queue, `visible-${fault}`, 3_000);

    if (outcome === 'changed') expect(again.map((m) => m.body)).toEqual([`visible-${fault}`]);
    else expect(codeOf(outcome)).toBeOneOf(RETRYABLE);
  });
});

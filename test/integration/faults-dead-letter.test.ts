import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import type { DynamoRequest } from '../helpers/fault-proxy.js';
import { bindFaultQueue, type FaultyService, startFaultyService } from '../helpers/fault-service.js';
import { createJsonApi } from '../helpers/json-api.js';
import { createJsonClient } from '../helpers/json-client.js';
import { startTestServer } from '../helpers/server.js';
import type { ReceivedMessage } from '../helpers/sqs-api.js';
import type { TestQueue } from '../helpers/test-queue.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

async function queueWithDeadLetter(
  fifo: boolean,
  visibilitySeconds = 1,
): Promise<{ source: TestQueue; dlq: TestQueue }> {
  const type: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const dlq = await stack.createQueue(type, 'dlq');
  const source = await stack.createQueue({
    ...type,
    VisibilityTimeout: String(visibilitySeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
  });
  return { source, dlq };
}

/** Receives from `queue` until a message arrives or the deadline passes. */
async function receiveOne(queue: TestQueue, deadlineMs: number): Promise<ReceivedMessage | undefined> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const [message] = await queue.receive({ maxNumberOfMessages: 1, waitTimeSeconds: 1 });
    if (message) return message;
  }
  return undefined;
}

/** Receives from the source (which moves the message once its visibility timeout ran out) until the DLQ has it. */
async function moveAndReceive(source: TestQueue, dlq: TestQueue): Promise<ReceivedMessage | undefined> {
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    await source.receive({ maxNumberOfMessages: 1 });
    const [moved] = await dlq.receive({ maxNumberOfMessages: 1 });
    if (moved) return moved;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

/** Every item of the table with `attribute = value`: the test reads storage itself, as TTL will not fire here. */
async function itemsWhere(attribute: string, value: string): Promise<Record<string, unknown>[]> {
  const db = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
  });
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: stack.tableName,
        FilterExpression: '#a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': { S: value } },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []).map((item) => unmarshall(item)));
    start = out.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  db.destroy();
  return items;
}

const isMoveTransaction = (body: DynamoRequest) =>
  (body.TransactItems ?? []).some((item: DynamoRequest) => item.Put?.Item?.src !== undefined);

describe('Dead-letter moves under DynamoDB faults', () => {
  it.each([
    [false, 'drop-after'],
    [false, 'fail-500'],
    [false, 'transaction-conflict'],
    [true, 'drop-after'],
    [true, 'fail-500'],
    [true, 'transaction-conflict'],
  ] as const)(
    'moves a message exactly once (FIFO %s) when the move transaction meets %s',
    async (fifo, fault) => {
      const { source, dlq } = await queueWithDeadLetter(fifo);
      const group = fifo ? { messageGroupId: 'g', messageDeduplicationId: 'dead' } : {};
      const sent = await source.send('dead', group);
      await receiveOne(source, 5_000);
      const armed = stack.proxy.next({ op: 'TransactWriteItems', when: isMoveTransaction, fault });

      await receiveOne(source, 2_500);
      const moved = await receiveOne(dlq, 5_000);
      if (moved) await dlq.delete(moved.receiptHandle);
      const again = [await receiveOne(source, 1_500), await receiveOne(dlq, 1_500)].filter(Boolean);

      expect(armed.hasFired()).toBe(true);
      expect(moved?.messageId).toBe(sent.messageId);
      expect(again).toEqual([]);
    },
    30_000,
  );

  it('keeps a FIFO message over 350 KB receivable from the dead-letter queue as long as the message itself', async () => {
    const { source, dlq } = await queueWithDeadLetter(true);
    const body = 'x'.repeat(800_000);
    const sent = await source.send(body, { messageGroupId: 'big', messageDeduplicationId: 'big' });
    await receiveOne(source, 5_000);

    const moved = await moveAndReceive(source, dlq);
    const [message] = (await itemsWhere('id', sent.messageId)).filter((item) =>
      String(item.src ?? '').endsWith(source.name),
    );
    const chunks = await itemsWhere('pk', `B#${sent.messageId}`);

    expect(moved?.body).toBe(body);
    expect(message).toBeDefined();
    expect(chunks.length).toBeGreaterThan(0);
    // TTL deletes content chunks: none may go before the dead-letter message that needs them.
    for (const chunk of chunks) expect(chunk.ttl).toBeGreaterThanOrEqual(message?.ttl as number);
  }, 30_000);

  it('does not lose a message moved while its dead-letter queue was deleted a moment ago', async () => {
    const { source, dlq } = await queueWithDeadLetter(false);
    const other = await startTestServer({ tableName: stack.tableName, auth: false });
    const otherClient = createJsonClient(other.url);
    const otherDlq = bindFaultQueue(createJsonApi(otherClient), dlq.name, dlq.url);
    const sent = await source.send('orphan');
    await receiveOne(source, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the visibility timeout runs out

    // This process now has the dead-letter queue in its 1 s cache; another one deletes it.
    await stack.api.getQueueUrl(dlq.name);
    await otherDlq.deleteQueue();
    const during = await source.receive({ maxNumberOfMessages: 1 });
    const later = during.length > 0 ? undefined : await receiveOne(source, 5_000);

    expect(during.map((m) => m.messageId).concat(later ? [later.messageId] : [])).toEqual([sent.messageId]);
    otherClient.destroy();
    await other.close();
  }, 30_000);
});

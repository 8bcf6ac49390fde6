import { describe, expect, it } from 'vitest';
import { ConsoleClient, queuePath } from '../helpers/console-client.js';
import { pollFor } from '../helpers/poll.js';
import { sharedTestServer } from '../helpers/server.js';
import { createTestQueue, type TestQueue, uniqueQueueName } from '../helpers/test-queue.js';

async function consoleClient(): Promise<ConsoleClient> {
  return new ConsoleClient((await sharedTestServer()).url);
}

type Peeked = { messageId: string; body: string; locator: string; receiveCount: number; state: string };

async function peek(console: ConsoleClient, queue: TestQueue, query: Record<string, string> = {}) {
  const page = await console.get(queuePath(queue.name, '/messages'), { query });
  expect(page.status).toBe(200);
  return page.json.messages as Peeked[];
}

type QueueEntry = {
  name: string;
  type: string;
  counts?: { visible: number; inFlight: number; delayed: number };
  deadLetter?: { name: string; maxReceiveCount: number; exists: boolean };
  deadLetterSources: string[];
  moveTask?: { status: string; moved: number; toMove: number };
  createdMs: number;
};

describe('console queue list', () => {
  it('shows each queue with its counts and its dead-letter relations both ways', async () => {
    const console = await consoleClient();
    const prefix = uniqueQueueName('list');
    const dlq = await createTestQueue('json', {}, { name: `${prefix}-dlq` });
    const source = await createTestQueue(
      'json',
      { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 }) },
      { name: `${prefix}-orders` },
    );
    await source.sendBatch(Array.from({ length: 3 }, (_, i) => ({ id: `m${i}`, body: `m${i}` })));
    await source.send('later', { delaySeconds: 60 });
    await source.receive({ maxNumberOfMessages: 1 });

    const list = await pollFor(
      () => console.get('/queues', { query: { filter: prefix.toUpperCase(), sort: 'backlog' } }),
      // Counts a list has not measured within its wait come with a later poll.
      (page) =>
        page.json.total === 2 && (page.json.queues as QueueEntry[]).every((q) => q.counts !== undefined),
    );

    expect(list.status).toBe(200);
    const queues = list.json.queues as QueueEntry[];
    expect(queues.map((q) => q.name)).toEqual([source.name, dlq.name]);
    expect(queues[0]).toMatchObject({
      type: 'standard',
      counts: { visible: 2, inFlight: 1, delayed: 1 },
      deadLetter: { name: dlq.name, maxReceiveCount: 4, exists: true },
      deadLetterSources: [],
    });
    expect(queues[1]).toMatchObject({
      counts: { visible: 0, inFlight: 0, delayed: 0 },
      deadLetterSources: [source.name],
    });
    expect(list.json.total).toBe(2);
  });

  it('pages the list with a cursor', async () => {
    const console = await consoleClient();
    const prefix = uniqueQueueName('page');
    for (let i = 0; i < 5; i++) await createTestQueue('json', {}, { name: `${prefix}-${i}` });

    // A queue made through the SQS API shows in the list within the console's 1-second cache of queue records.
    const first = await pollFor(
      () => console.get('/queues', { query: { filter: prefix, limit: 3 } }),
      (page) => page.json.total === 5,
    );
    const second = await console.get('/queues', {
      query: { filter: prefix, limit: 3, cursor: String(first.json.nextCursor) },
    });

    expect((first.json.queues as QueueEntry[]).map((q) => q.name)).toEqual(
      [0, 1, 2].map((i) => `${prefix}-${i}`),
    );
    expect((second.json.queues as QueueEntry[]).map((q) => q.name)).toEqual(
      [3, 4].map((i) => `${prefix}-${i}`),
    );
    expect(second.json.nextCursor).toBeUndefined();
  });
});

describe('console actions', () => {
  it('sends a message with attributes and a delay through every SQS rule', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');

    const sent = await console.post(queuePath(queue.name, '/messages'), {
      body: 'from the console',
      messageAttributes: {
        kind: { dataType: 'String', stringValue: 'manual' },
        blob: { dataType: 'Binary', binaryValue: 'AAEC' },
      },
    });
    const tooBig = await console.post(queuePath(queue.name, '/messages'), { body: 'x', delaySeconds: 901 });
    const [received] = await queue.receiveAll(1, { messageAttributeNames: ['All'] });

    expect(sent.status).toBe(200);
    expect(received?.messageId).toBe(sent.json.messageId);
    expect(received?.body).toBe('from the console');
    expect(received?.messageAttributes.kind?.stringValue).toBe('manual');
    expect(Array.from(received?.messageAttributes.blob?.binaryValue ?? [])).toEqual([0, 1, 2]);
    expect(tooBig.status).toBe(400);
    expect((tooBig.json.error as { code: string }).code).toBe('InvalidParameterValue');
  });

  it('sends to a FIFO queue with group and deduplication ids', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { FifoQueue: 'true' });

    const first = await console.post(queuePath(queue.name, '/messages'), {
      body: 'one',
      messageGroupId: 'g',
      messageDeduplicationId: 'd1',
    });
    const duplicate = await console.post(queuePath(queue.name, '/messages'), {
      body: 'one again',
      messageGroupId: 'g',
      messageDeduplicationId: 'd1',
    });
    const withoutGroup = await console.post(queuePath(queue.name, '/messages'), { body: 'x' });

    expect(first.json.sequenceNumber).toMatch(/^\d{20}$/);
    expect(duplicate.json.messageId).toBe(first.json.messageId);
    expect(withoutGroup.status).toBe(400);
    expect((withoutGroup.json.error as { code: string }).code).toBe('MissingParameter');
  });

  it('deletes one Standard message by id, visible or in flight, without a receipt handle', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    await queue.sendBatch(['keep', 'drop', 'held'].map((body) => ({ id: body, body })));
    const [held] = await queue.receiveAll(3, { visibilityTimeout: 30 }).then(async (all) => {
      for (const m of all.filter((m) => m.body !== 'held')) await queue.changeVisibility(m.receiptHandle, 0);
      return all.filter((m) => m.body === 'held');
    });
    const messages = await peek(console, queue);
    const byBody = Object.fromEntries(messages.map((m) => [m.body, m]));

    const dropped = await console.delete(
      queuePath(queue.name, `/messages/${byBody.drop?.messageId}`),
      undefined,
      { query: { locator: byBody.drop?.locator ?? '' } },
    );
    const heldDropped = await console.delete(
      queuePath(queue.name, `/messages/${byBody.held?.messageId}`),
      undefined,
      { query: { locator: byBody.held?.locator ?? '' } },
    );
    const again = await console.delete(
      queuePath(queue.name, `/messages/${byBody.drop?.messageId}`),
      undefined,
      { query: { locator: byBody.drop?.locator ?? '' } },
    );
    await queue.delete(held?.receiptHandle ?? '');

    expect(dropped.status).toBe(200);
    expect(heldDropped.status).toBe(200);
    expect(again.status).toBe(404);
    expect((again.json.error as { code: string }).code).toBe('MessageNotFound');
    expect((await peek(console, queue)).map((m) => m.body)).toEqual(['keep']);
    expect((await queue.receiveAll(1)).map((m) => m.body)).toEqual(['keep']);
  });

  it('finds a Standard message a receive moved since the peek, and deletes it', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    await queue.send('moving');
    const [seen] = await peek(console, queue);
    await queue.receive({ visibilityTimeout: 30 });

    const deleted = await console.delete(queuePath(queue.name, `/messages/${seen?.messageId}`), undefined, {
      query: { locator: seen?.locator ?? '' },
    });

    expect(deleted.status).toBe(200);
    expect(await peek(console, queue)).toEqual([]);
  });

  it('deletes FIFO messages by id at the head, behind the head and under a lock, keeping the group in order', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const body of ['m1', 'm2', 'm3', 'm4', 'm5']) await queue.send(body, { messageGroupId: 'g' });
    const locked = await queue.receive({ maxNumberOfMessages: 2, visibilityTimeout: 30 });
    const byBody = Object.fromEntries((await peek(console, queue)).map((m) => [m.body, m]));
    const deleteById = (body: string) =>
      console.delete(queuePath(queue.name, `/messages/${byBody[body]?.messageId}`), undefined, {
        query: { locator: byBody[body]?.locator ?? '' },
      });

    const heldHead = await deleteById('m1');
    const behind = await deleteById('m4');
    const receiptDeleteOfDeleted = await queue.api
      .deleteMessage(queue.url, locked[0]?.receiptHandle ?? '')
      .then(
        () => 'ok',
        (error: Error) => error.name,
      );
    await queue.delete(locked[1]?.receiptHandle ?? '');
    const rest = await queue.receiveAll(2, { visibilityTimeout: 30 });

    expect(locked.map((m) => m.body)).toEqual(['m1', 'm2']);
    expect([heldHead.status, behind.status]).toEqual([200, 200]);
    expect(receiptDeleteOfDeleted).toBe('ok');
    expect(rest.map((m) => m.body)).toEqual(['m3', 'm5']);
    const attributes = await queue.getAttributes([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
    ]);
    expect(attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '2',
    });
  });

  it('deletes a FIFO message a lock holds behind its head; the consumer still deletes the rest of its lock', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const body of ['m1', 'm2', 'm3']) await queue.send(body, { messageGroupId: 'g' });
    const locked = await queue.receive({ maxNumberOfMessages: 2, visibilityTimeout: 30 });
    const second = (await peek(console, queue)).find((m) => m.body === 'm2');

    const deleted = await console.delete(queuePath(queue.name, `/messages/${second?.messageId}`), undefined, {
      query: { locator: second?.locator ?? '' },
    });
    await queue.delete(locked[0]?.receiptHandle ?? '');
    const next = await queue.receiveAll(1);

    expect(locked.map((m) => m.body)).toEqual(['m1', 'm2']);
    expect(deleted.status).toBe(200);
    expect(next.map((m) => m.body)).toEqual(['m3']);
  });

  it('deletes the only message of a FIFO group, and the group accepts new messages', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await queue.send('only', { messageGroupId: 'solo' });
    const [only] = await peek(console, queue);

    const deleted = await console.delete(queuePath(queue.name, `/messages/${only?.messageId}`), undefined, {
      query: { locator: only?.locator ?? '' },
    });
    const groups = await console.get(queuePath(queue.name, '/groups'));
    await queue.send('next', { messageGroupId: 'solo' });

    expect(deleted.status).toBe(200);
    expect(groups.json.groups).toEqual([]);
    expect((await queue.receiveAll(1)).map((m) => m.body)).toEqual(['next']);
  });

  it('purges only with the queue name typed in confirm', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    await queue.send('doomed');

    const unconfirmed = await console.post(queuePath(queue.name, '/purge'), {});
    const wrong = await console.post(queuePath(queue.name, '/purge'), { confirm: `${queue.name}x` });
    const kept = await peek(console, queue);
    const purged = await console.post(queuePath(queue.name, '/purge'), { confirm: queue.name });

    expect([unconfirmed.status, wrong.status]).toEqual([400, 400]);
    expect((unconfirmed.json.error as { code: string }).code).toBe('ConfirmationRequired');
    expect(kept.map((m) => m.body)).toEqual(['doomed']);
    expect(purged.status).toBe(200);
    expect(await peek(console, queue)).toEqual([]);
  });

  it('creates a queue with a dead-letter queue, and deletes it only when confirmed', async () => {
    const console = await consoleClient();
    const dlq = await createTestQueue('json');
    const name = uniqueQueueName('made');

    const created = await console.post('/queues', {
      name,
      attributes: { VisibilityTimeout: '45' },
      deadLetter: { name: dlq.name, maxReceiveCount: 2 },
      tags: { team: 'a' },
    });
    const described = await console.get(queuePath(name));
    const invalid = await console.post('/queues', { name: 'bad name!' });
    const unconfirmed = await console.delete(queuePath(name), {});
    const deleted = await console.delete(queuePath(name), { confirm: name });
    const gone = await console.get(queuePath(name));

    expect(created.status).toBe(201);
    expect(described.json).toMatchObject({
      name,
      deadLetter: { name: dlq.name, maxReceiveCount: 2, exists: true },
      tags: { team: 'a' },
      attributes: expect.objectContaining({ VisibilityTimeout: '45' }),
    });
    expect(invalid.status).toBe(400);
    expect(unconfirmed.status).toBe(400);
    expect(deleted.status).toBe(200);
    expect(gone.status).toBe(400);
    expect((gone.json.error as { code: string }).code).toBe('QueueDoesNotExist');
  });

  it('redrives a dead-letter queue back to its source, with progress up to 100%', async () => {
    const console = await consoleClient();
    const dlq = await createTestQueue('json');
    const source = await createTestQueue('json', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    await source.sendBatch(Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, body: `poison ${i}` })));
    await pollFor(
      async () => {
        await source.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 });
        return (await peek(console, dlq)).length;
      },
      (moved) => moved === 5,
      20_000,
    );

    const started = await console.post(queuePath(dlq.name, '/move-tasks'), {});
    const done = await pollFor(
      async () =>
        (
          (await console.get(queuePath(dlq.name, '/move-tasks'))).json.tasks as {
            status: string;
            moved: number;
            toMove: number;
          }[]
        )[0],
      (task) => task?.status === 'COMPLETED',
      20_000,
    );

    expect(started.status).toBe(200);
    expect(done).toMatchObject({ status: 'COMPLETED', moved: 5, toMove: 5 });
    expect((await peek(console, source)).map((m) => m.body).sort()).toEqual(
      Array.from({ length: 5 }, (_, i) => `poison ${i}`),
    );
  });

  it('cancels a running redrive, and refuses a handle of another queue', async () => {
    const console = await consoleClient();
    const dlq = await createTestQueue('json');
    const other = await createTestQueue('json');
    const source = await createTestQueue('json', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    await source.sendBatch(Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: `p${i}` })));
    await pollFor(
      async () => {
        await source.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 });
        return (await peek(console, dlq)).length;
      },
      (moved) => moved === 10,
      20_000,
    );
    const started = await console.post(queuePath(dlq.name, '/move-tasks'), {
      maxNumberOfMessagesPerSecond: 1,
    });
    const taskHandle = String(started.json.taskHandle);

    const elsewhere = await console.post(queuePath(other.name, '/move-tasks/cancel'), { taskHandle });
    const cancelled = await console.post(queuePath(dlq.name, '/move-tasks/cancel'), { taskHandle });
    const tasks = await pollFor(
      async () => (await console.get(queuePath(dlq.name, '/move-tasks'))).json.tasks as { status: string }[],
      (list) => list[0]?.status === 'CANCELLED',
    );

    expect(elsewhere.status).toBe(400);
    expect(cancelled.status).toBe(200);
    expect(tasks[0]?.status).toBe('CANCELLED');
  });
});

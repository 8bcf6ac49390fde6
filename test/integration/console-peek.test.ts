import { describe, expect, it } from 'vitest';
import { ConsoleClient, queuePath } from '../helpers/console-client.js';
import { sharedTestServer } from '../helpers/server.js';
import { createTestQueue } from '../helpers/test-queue.js';

async function consoleClient(): Promise<ConsoleClient> {
  return new ConsoleClient((await sharedTestServer()).url);
}

type Peeked = {
  messageId: string;
  body: string;
  state: string;
  receiveCount: number;
  visibleAtMs?: number;
  bodySize: number;
  bodyTruncated: boolean;
  locator: string;
  sequenceNumber?: string;
  groupId?: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { dataType: string; stringValue?: string; binaryValue?: string }>;
};

describe('console peek', () => {
  it('lists messages in every state and leaves receive counts and visibility unchanged', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { VisibilityTimeout: '30' });
    await queue.send('{"order":1}', {
      messageAttributes: { kind: { dataType: 'String', stringValue: 'order' } },
    });
    await queue.send('second');
    await queue.send('delayed', { delaySeconds: 60 });
    const [held] = await queue.receive({ maxNumberOfMessages: 1 });
    const before = await queue.getAttributes(['All']);

    const first = await console.get(queuePath(queue.name, '/messages'));
    const again = await console.get(queuePath(queue.name, '/messages'), { query: { order: 'newest' } });

    expect(first.status).toBe(200);
    const messages = first.json.messages as Peeked[];
    expect(messages.map((m) => m.body).sort()).toEqual(['delayed', 'second', '{"order":1}']);
    const states = Object.fromEntries(messages.map((m) => [m.body, m]));
    expect(states[held?.body ?? '']?.state).toBe('inFlight');
    expect(states[held?.body ?? '']?.receiveCount).toBe(1);
    expect(states.delayed?.state).toBe('delayed');
    expect(states.delayed?.visibleAtMs).toBeGreaterThan(Date.now() + 50_000);
    expect(states['{"order":1}']?.messageAttributes).toEqual({
      kind: { dataType: 'String', stringValue: 'order' },
    });
    expect(states['{"order":1}']?.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect((again.json.messages as Peeked[]).map((m) => m.messageId)).toEqual(
      messages.map((m) => m.messageId).reverse(),
    );
    const after = await queue.getAttributes(['All']);
    expect(after.ApproximateNumberOfMessages).toBe(before.ApproximateNumberOfMessages);
    expect(after.ApproximateNumberOfMessagesNotVisible).toBe(before.ApproximateNumberOfMessagesNotVisible);
    expect(after.ApproximateNumberOfMessagesDelayed).toBe(before.ApproximateNumberOfMessagesDelayed);
  });

  it('peeks without counting a receive: the next receive sees ApproximateReceiveCount 1', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    await queue.send('look but do not touch');

    for (let i = 0; i < 3; i++) await console.get(queuePath(queue.name, '/messages'));
    const received = await queue.receive({ messageSystemAttributeNames: ['All'] });

    expect(received.map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['1']);
  });

  it('peeks a dead-letter queue without moving anything, and shows the source and receive count', async () => {
    const console = await consoleClient();
    const dlq = await createTestQueue('json');
    const source = await createTestQueue('json', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
      VisibilityTimeout: '1',
    });
    await source.send('poison');
    await source.receive({ visibilityTimeout: 0 });
    // The next receive finds it received maxReceiveCount times and moves it instead of returning it.
    const second = await source.receive();
    const peekSource = await console.get(queuePath(source.name, '/messages'));
    const [moved] = (await console.get(queuePath(dlq.name, '/messages'))).json.messages as Peeked[];

    expect(second).toEqual([]);
    expect(peekSource.json.messages).toEqual([]);
    expect(moved?.body).toBe('poison');
    expect(moved?.attributes.DeadLetterQueueSourceArn).toBe(source.arn);
    expect(moved?.receiveCount).toBe(1);
  });

  it('pages with an opaque cursor, oldest first, without repeats or gaps', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    for (let batch = 0; batch < 3; batch++) {
      await queue.sendBatch(
        Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: `message ${batch * 10 + i}` })),
      );
    }

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await console.get(queuePath(queue.name, '/messages'), {
        query: { limit: 7, ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      seen.push(...(page.json.messages as Peeked[]).map((m) => m.body));
      cursor = page.json.nextCursor as string | undefined;
      pages++;
    } while (cursor && pages < 20);

    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('returns a page of more messages than one BatchGetItem reads (100)', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    for (let batch = 0; batch < 25; batch++) {
      await queue.sendBatch(
        Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: `m${batch * 10 + i}` })),
      );
    }

    const page = await console.get(queuePath(queue.name, '/messages'), { query: { limit: 250 } });

    expect(page.status).toBe(200);
    expect(new Set((page.json.messages as Peeked[]).map((m) => m.body)).size).toBe(250);
    expect(page.json.nextCursor).toBeUndefined();
  });

  it('cuts long bodies and returns the whole body by id', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    const long = 'é'.repeat(5_000);
    await queue.send(long);

    const page = await console.get(queuePath(queue.name, '/messages'), { query: { bodyBytes: 4_097 } });
    const [cut] = page.json.messages as Peeked[];
    const whole = await console.get(queuePath(queue.name, `/messages/${cut?.messageId}`), {
      query: { locator: cut?.locator ?? '' },
    });

    expect(cut?.bodyTruncated).toBe(true);
    expect(cut?.bodySize).toBe(10_000);
    expect(cut?.body).toBe('é'.repeat(2_048));
    expect(whole.status).toBe(200);
    expect(whole.json.body).toBe(long);
    expect(whole.json.bodyTruncated).toBe(false);
  });

  it('sends a 1 MiB body from the console and reads it back whole', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    const body = 'x'.repeat(1_048_576);

    const sent = await console.post(queuePath(queue.name, '/messages'), { body });
    const [cut] = (await console.get(queuePath(queue.name, '/messages'))).json.messages as Peeked[];
    const whole = await console.get(queuePath(queue.name, `/messages/${cut?.messageId}`), {
      query: { locator: cut?.locator ?? '' },
    });
    const tooBig = await console.post(queuePath(queue.name, '/messages'), { body: `${body}x` });

    expect(sent.status).toBe(200);
    expect(cut).toMatchObject({ bodySize: 1_048_576, bodyTruncated: true });
    expect(cut?.body).toHaveLength(4_096);
    expect(whole.json.body).toBe(body);
    expect(tooBig.status).toBe(400);
  });

  it('finds messages by body text across the queue', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json');
    await queue.sendBatch(Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: `{"n":${i}}` })));
    await queue.send('{"customer":"needle-42"}');

    const found = await console.get(queuePath(queue.name, '/messages'), { query: { contains: 'needle-42' } });

    expect((found.json.messages as Peeked[]).map((m) => m.body)).toEqual(['{"customer":"needle-42"}']);
    expect(found.json.scanned).toBe(11);
  });

  it('browses a FIFO queue by group, in sequence order, with receive counts of a held group', async () => {
    const console = await consoleClient();
    const queue = await createTestQueue('json', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const [group, body] of [
      ['a', 'a1'],
      ['b', 'b1'],
      ['a', 'a2'],
      ['b', 'b2'],
    ] as const) {
      await queue.send(body, { messageGroupId: group });
    }
    const [locked] = await queue.receive({ maxNumberOfMessages: 1 });

    const all = await console.get(queuePath(queue.name, '/messages'));
    const groups = await console.get(queuePath(queue.name, '/groups'));
    const groupA = await console.get(queuePath(queue.name, '/messages'), { query: { group: 'a' } });

    expect((all.json.messages as Peeked[]).map((m) => m.body)).toEqual(['a1', 'b1', 'a2', 'b2']);
    const held = (all.json.messages as Peeked[]).find((m) => m.body === locked?.body);
    expect(held?.state).toBe('inFlight');
    expect(held?.receiveCount).toBe(1);
    expect(held?.sequenceNumber).toMatch(/^\d{20}$/);
    expect(groups.json.groups).toEqual([
      expect.objectContaining({ groupId: 'a', messages: 2 }),
      expect.objectContaining({ groupId: 'b', messages: 2 }),
    ]);
    expect((groupA.json.messages as Peeked[]).map((m) => m.body)).toEqual(['a1', 'a2']);
  });
});

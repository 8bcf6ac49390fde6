import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRequest,
  baseRequests,
  bodiesIn,
  checkQueueWorks,
  createHostileQueues,
  HOSTILE_STRINGS,
  type HostileQueues,
  INVALID_UTF8,
  PROTOCOLS,
  type Protocol,
  type RawAnswer,
  receiptHandlesIn,
  sendRaw,
  slotsOf,
  WRONG_TYPES,
  withValue,
} from '../helpers/hostile-cases.js';
import { startTestServer, TEST_ACCOUNT_ID, TEST_REGION, type TestServer } from '../helpers/server.js';

let server: TestServer;
let queues: HostileQueues;

beforeAll(async () => {
  server = await startTestServer({ auth: false });
  queues = await createHostileQueues(server.url, TEST_ACCOUNT_ID, TEST_REGION);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

function call(
  protocol: Protocol,
  request: ActionRequest,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return sendRaw(server.url, protocol, request, 10_000, headers);
}

/** Runs `work` over `items` with a few requests in flight at once. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe.each(PROTOCOLS)('hostile input over %s', (protocol) => {
  it('answers every hostile value in every field of every action with a well-formed 4xx', async () => {
    const cases = baseRequests(queues).flatMap((base) =>
      slotsOf(base.params).flatMap((slot) =>
        [...HOSTILE_STRINGS, ...(protocol === 'json' ? WRONG_TYPES : [])].map((hostile) => ({
          label: `${base.action} ${slot.path.join('.')}${slot.kind === 'key' ? ' (key)' : ''} = ${hostile.label}`,
          request: { action: base.action, params: withValue(base.params, slot, hostile.value) },
        })),
      ),
    );
    const wrong: string[] = [];

    await inParallel(cases, async ({ label, request }) => {
      const answer = await call(protocol, request);
      if (answer.hung || answer.status >= 500 || !answer.wellFormed) {
        wrong.push(`${label}: ${answer.status} ${answer.code} ${answer.body.slice(0, 200)}`);
      }
    });

    expect(wrong).toEqual([]);
  }, 120_000);

  it.each([
    ['TagQueue', 'tag key', { Tags: { 'k\uDFFF': 'v' } }, 'InvalidParameterValue'],
    ['TagQueue', 'tag value', { Tags: { k: 'v\uD800' } }, 'InvalidParameterValue'],
    ['UntagQueue', 'tag key', { TagKeys: ['k\uDFFF'] }, 'InvalidParameterValue'],
    ['SendMessage', 'body', { MessageBody: 'a\uDFFF' }, 'InvalidMessageContents'],
    [
      'SendMessage',
      'attribute name',
      { MessageBody: 'x', MessageAttributes: { 'n\uDFFF': { DataType: 'String', StringValue: 'v' } } },
      'InvalidParameterValue',
    ],
    [
      'SendMessage',
      'attribute type',
      { MessageBody: 'x', MessageAttributes: { n: { DataType: 'String.\uDFFF', StringValue: 'v' } } },
      'InvalidParameterValue',
    ],
    [
      'SendMessage',
      'attribute value',
      { MessageBody: 'x', MessageAttributes: { n: { DataType: 'String', StringValue: '\uD800' } } },
      'InvalidMessageContents',
    ],
    [
      'SendMessage',
      'AWSTraceHeader',
      {
        MessageBody: 'x',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: '\uD800' } },
      },
      'InvalidMessageContents',
    ],
    ['SendMessage', 'group id', { MessageBody: 'x', MessageGroupId: 'g\uDFFF' }, 'InvalidParameterValue'],
    ['SetQueueAttributes', 'Policy', { Attributes: { Policy: '{"a":"\uDFFF"}' } }, 'InvalidAttributeValue'],
    [
      'SetQueueAttributes',
      'KmsMasterKeyId',
      { Attributes: { KmsMasterKeyId: 'alias/\uDFFF' } },
      'InvalidAttributeValue',
    ],
    [
      'SetQueueAttributes',
      'attribute name',
      { Attributes: { 'Policy\uDFFF': '{}' } },
      'InvalidAttributeName',
    ],
    ['DeleteMessage', 'receipt handle', { ReceiptHandle: 'r\uDFFF' }, 'ReceiptHandleIsInvalid'],
    [
      'SendMessageBatch',
      'entry id',
      { Entries: [{ Id: 'i\uDFFF', MessageBody: 'x' }] },
      'InvalidBatchEntryId',
    ],
  ])('answers %s with a bad %s as %s', async (action, _field, params, code) => {
    const answer = await call(protocol, { action, params: { QueueUrl: queues.standardUrl, ...params } });

    expect(answer.code).toBe(code);
    expect(answer.status).toBeLessThan(500);
  });

  it.each([
    ['CreateQueue', { QueueName: 'q\uDFFF' }, 'InvalidParameterValue'],
    ['CreateQueue', { QueueName: 'q'.repeat(2 * 1024 * 1024) }, 'InvalidParameterValue'],
    ['GetQueueUrl', { QueueName: 'q\uDFFF' }, 'QueueDoesNotExist'],
    ['GetQueueUrl', { QueueName: 'q'.repeat(1_025) }, 'QueueDoesNotExist'],
    ['ListQueues', { QueueNamePrefix: 'p\uDFFF' }, 'InvalidParameterValue'],
    ['ListQueues', { MaxResults: 5, NextToken: 'n\uDFFF' }, 'InvalidParameterValue'],
    [
      'ListMessageMoveTasks',
      { SourceArn: `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:q\uDFFF` },
      'ResourceNotFoundException',
    ],
    [
      'CancelMessageMoveTask',
      { TaskHandle: Buffer.from('{"taskId":"\\udfff","sourceArn":"x"}').toString('base64') },
      'InvalidParameterValue',
    ],
  ])('answers %s with a hostile name or token (case %#) as %s', async (action, params, code) => {
    const answer = await call(protocol, { action, params });

    expect(answer.code).toBe(code);
  });

  it('answers a body that is not UTF-8 in MessageBody as SerializationException (JSON) or InvalidMessageContents (Query)', async () => {
    const answer = await call(protocol, {
      action: 'SendMessage',
      params: { QueueUrl: queues.standardUrl, MessageBody: `a${INVALID_UTF8}b` },
    });

    expect(answer.code).toBe(protocol === 'json' ? 'SerializationException' : 'InvalidMessageContents');
  });

  it.runIf(protocol === 'json')(
    'answers a JSON body of bytes that are not UTF-8 outside any string as a serialization error',
    async () => {
      const answer = await call(protocol, { action: 'ListQueues', params: { 'RAWBYTES-FF-FE': 1 } });

      expect(answer.status).toBe(400);
      expect(answer.wellFormed).toBe(true);
    },
  );

  it('lists queues with a NextToken from the listing of another prefix (found by the fuzz: it answered 500)', async () => {
    const token = Buffer.from(JSON.stringify({ after: 'a' })).toString('base64url');

    const answer = await call(protocol, {
      action: 'ListQueues',
      params: { QueueNamePrefix: 'hostile', MaxResults: 12, NextToken: token },
    });

    expect(answer.status).toBe(200);
  });

  it('echoes a batch entry id holding control characters in a well-formed answer', async () => {
    const answer = await call(protocol, {
      action: 'DeleteMessageBatch',
      params: {
        QueueUrl: queues.standardUrl,
        Entries: [{ Id: 'ok', ReceiptHandle: 'bad\u0001\u0000handle\uDFFF' }],
      },
    });

    expect(answer.status).toBe(200);
    expect(answer.wellFormed).toBe(true);
    expect(answer.body).toContain('ReceiptHandleIsInvalid');
  });

  it.each(['DeleteMessage', 'ChangeMessageVisibility'])(
    'answers %s with a string that is not a receipt handle as ReceiptHandleIsInvalid',
    async (action) => {
      const answer = await call(protocol, {
        action,
        params: { QueueUrl: queues.standardUrl, ReceiptHandle: 'garbage', VisibilityTimeout: 5 },
      });

      expect([answer.status, answer.code]).toEqual([404, 'ReceiptHandleIsInvalid']);
    },
  );

  it.each(['DeleteMessageBatch', 'ChangeMessageVisibilityBatch'])(
    'fails a %s entry whose handle is not a receipt handle with ReceiptHandleIsInvalid',
    async (action) => {
      const answer = await call(protocol, {
        action,
        params: {
          QueueUrl: queues.standardUrl,
          Entries: [{ Id: 'e1', ReceiptHandle: 'garbage', VisibilityTimeout: 5 }],
        },
      });

      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/ReceiptHandleIsInvalid/);
    },
  );

  it('keeps every queue fully usable after all of it', async () => {
    const problems = [
      ...(await checkQueueWorks(server.url, protocol, queues.standardUrl, { fifo: false, purge: false })),
      ...(await checkQueueWorks(server.url, protocol, queues.fifoUrl, { fifo: true, purge: false })),
    ];
    const listed = await call(protocol, { action: 'ListQueues', params: {} });

    expect(problems).toEqual([]);
    expect(listed.status).toBe(200);
    expect(listed.body).toContain('hostile-fifo.fifo');
  }, 60_000);
});

describe.each(PROTOCOLS)('X-Amzn-Trace-Id over %s', (protocol) => {
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';

  async function receiveTraceHeaders(queueUrl: string): Promise<string[]> {
    const answer = await call(protocol, {
      action: 'ReceiveMessage',
      params: {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['AWSTraceHeader'],
      },
    });
    for (const handle of receiptHandlesIn(protocol, answer.body)) {
      await call(protocol, {
        action: 'DeleteMessage',
        params: { QueueUrl: queueUrl, ReceiptHandle: handle },
      });
    }
    return protocol === 'json'
      ? ((JSON.parse(answer.body).Messages ?? []) as { Attributes?: { AWSTraceHeader?: string } }[]).map(
          (m) => m.Attributes?.AWSTraceHeader ?? '',
        )
      : [...answer.body.matchAll(/<Name>AWSTraceHeader<\/Name><Value>([^<]*)<\/Value>/g)].map(
          (m) => m[1] as string,
        );
  }

  async function newQueue(name: string): Promise<string> {
    await call('json', { action: 'CreateQueue', params: { QueueName: `${name}-${protocol}` } });
    return `${server.url}/${TEST_ACCOUNT_ID}/${name}-${protocol}`;
  }

  it('becomes the AWSTraceHeader of a sent message', async () => {
    const queueUrl = await newQueue('trace-send');

    const sent = await call(
      protocol,
      { action: 'SendMessage', params: { QueueUrl: queueUrl, MessageBody: 'traced' } },
      { 'x-amzn-trace-id': trace },
    );

    expect(sent.status).toBe(200);
    expect(sent.body).not.toContain('MD5OfMessageSystemAttributes');
    expect(await receiveTraceHeaders(queueUrl)).toEqual([trace]);
  });

  it('becomes the AWSTraceHeader of every message of a batch', async () => {
    const queueUrl = await newQueue('trace-batch');

    await call(
      protocol,
      {
        action: 'SendMessageBatch',
        params: {
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'a' },
            { Id: 'b', MessageBody: 'b' },
          ],
        },
      },
      { 'x-amzn-trace-id': trace },
    );

    expect(await receiveTraceHeaders(queueUrl)).toEqual([trace, trace]);
  });

  it('gives way to an AWSTraceHeader in MessageSystemAttributes', async () => {
    const queueUrl = await newQueue('trace-attribute');
    const own = 'Root=1-00000000-000000000000000000000001';

    await call(
      protocol,
      {
        action: 'SendMessage',
        params: {
          QueueUrl: queueUrl,
          MessageBody: 'x',
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: own } },
        },
      },
      { 'x-amzn-trace-id': trace },
    );

    expect(await receiveTraceHeaders(queueUrl)).toEqual([own]);
  });
});

describe.each(PROTOCOLS)('MessageAttributeNames prefix.* over %s', (protocol) => {
  it('returns the attributes whose names start with the prefix and its period', async () => {
    const name = `prefix-${protocol}`;
    await call('json', { action: 'CreateQueue', params: { QueueName: name } });
    const queueUrl = `${server.url}/${TEST_ACCOUNT_ID}/${name}`;
    const attribute = { DataType: 'String', StringValue: 'v' };
    await call(protocol, {
      action: 'SendMessage',
      params: {
        QueueUrl: queueUrl,
        MessageBody: 'x',
        MessageAttributes: { 'bar.one': attribute, 'bar.two': attribute, barn: attribute, other: attribute },
      },
    });

    const answer = await call(protocol, {
      action: 'ReceiveMessage',
      params: { QueueUrl: queueUrl, MessageAttributeNames: ['bar.*'] },
    });

    expect(bodiesIn(protocol, answer.body)).toEqual(['x']);
    const names = [...answer.body.matchAll(/"?(bar\.one|bar\.two|barn|other)"?/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(new Set(['bar.one', 'bar.two']));
  });
});

import { describe, expect, it } from 'vitest';
import type { ReceivedMessage, SqsEngine } from '../../lambda/engine/types.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { fakeEngine, jsonRequest, queryRequest, queueUrl } from './fake-engine.js';

const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const QUEUE_URL = queueUrl('orders');

/** Calls one action over both protocols with the same engine answers. */
async function respond(
  overrides: Partial<SqsEngine>,
  action: string,
  json: object,
  query: Record<string, string>,
) {
  const handler = createRequestHandler(fakeEngine(overrides));
  const jsonResponse = await handler(jsonRequest(action, json));
  const queryResponse = await handler(queryRequest({ Action: action, ...query }));
  expect(jsonResponse.status).toBe(200);
  expect(queryResponse.status).toBe(200);
  const requestId = queryResponse.headers['x-amzn-RequestId'];
  const xml = queryResponse.body;
  const prefix = `<?xml version="1.0"?><${action}Response xmlns="${NS}">`;
  const suffix = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  expect(xml.startsWith(prefix) && xml.endsWith(suffix)).toBe(true);
  return { json: JSON.parse(jsonResponse.body) as unknown, result: xml.slice(prefix.length, -suffix.length) };
}

const message: ReceivedMessage = {
  messageId: 'm-1',
  receiptHandle: 'rh-1',
  md5OfBody: 'body-md5',
  body: 'line 1\r\n<b>"two"</b>',
  attributes: { SentTimestamp: '1700000000000' },
  md5OfMessageAttributes: 'attr-md5',
  messageAttributes: {
    color: { dataType: 'String', stringValue: 'red' },
    raw: { dataType: 'Binary', binaryValue: new Uint8Array([0, 1, 254]) },
  },
};

describe('results of queue actions', () => {
  it('encodes CreateQueue and GetQueueUrl as a QueueUrl', async () => {
    const { json, result } = await respond(
      {},
      'GetQueueUrl',
      { QueueName: 'orders' },
      { QueueName: 'orders' },
    );

    expect(json).toEqual({ QueueUrl: QUEUE_URL });
    expect(result).toBe(`<GetQueueUrlResult><QueueUrl>${QUEUE_URL}</QueueUrl></GetQueueUrlResult>`);
  });

  it('encodes ListQueues as flattened QueueUrl elements with a NextToken', async () => {
    const listQueues = async () => ({ queueNames: ['a', 'b'], nextToken: 'next' });

    const { json, result } = await respond({ listQueues }, 'ListQueues', {}, {});

    expect(json).toEqual({ QueueUrls: [queueUrl('a'), queueUrl('b')], NextToken: 'next' });
    expect(result).toBe(
      `<ListQueuesResult><QueueUrl>${queueUrl('a')}</QueueUrl><QueueUrl>${queueUrl('b')}</QueueUrl>` +
        '<NextToken>next</NextToken></ListQueuesResult>',
    );
  });

  it('leaves out QueueUrls when there are no queues', async () => {
    const { json, result } = await respond({}, 'ListQueues', {}, {});

    expect(json).toEqual({});
    expect(result).toBe('<ListQueuesResult/>');
  });

  it('encodes ListDeadLetterSourceQueues as lower-case queueUrls in JSON and QueueUrl elements in Query', async () => {
    const listDeadLetterSourceQueues = async () => ({ queueNames: ['a', 'b'], nextToken: 'next' });

    const { json, result } = await respond(
      { listDeadLetterSourceQueues },
      'ListDeadLetterSourceQueues',
      { QueueUrl: QUEUE_URL, MaxResults: 2 },
      { QueueUrl: QUEUE_URL, MaxResults: '2' },
    );

    expect(json).toEqual({ queueUrls: [queueUrl('a'), queueUrl('b')], NextToken: 'next' });
    expect(result).toBe(
      '<ListDeadLetterSourceQueuesResult>' +
        `<QueueUrl>${queueUrl('a')}</QueueUrl><QueueUrl>${queueUrl('b')}</QueueUrl>` +
        '<NextToken>next</NextToken></ListDeadLetterSourceQueuesResult>',
    );
  });

  it('keeps queueUrls, a required member, when a queue has no source queues', async () => {
    const { json, result } = await respond(
      {},
      'ListDeadLetterSourceQueues',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({ queueUrls: [] });
    expect(result).toBe('<ListDeadLetterSourceQueuesResult/>');
  });

  it('encodes GetQueueAttributes as Attribute name/value pairs', async () => {
    const getQueueAttributes = async () => ({ VisibilityTimeout: '30', Policy: '{"a":"b"}' });

    const { json, result } = await respond(
      { getQueueAttributes },
      'GetQueueAttributes',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({ Attributes: { VisibilityTimeout: '30', Policy: '{"a":"b"}' } });
    expect(result).toBe(
      '<GetQueueAttributesResult>' +
        '<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>' +
        '<Attribute><Name>Policy</Name><Value>{&quot;a&quot;:&quot;b&quot;}</Value></Attribute>' +
        '</GetQueueAttributesResult>',
    );
  });

  it('encodes ListQueueTags as Tag key/value pairs', async () => {
    const listQueueTags = async () => ({ team: 'core' });

    const { json, result } = await respond(
      { listQueueTags },
      'ListQueueTags',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({ Tags: { team: 'core' } });
    expect(result).toBe(
      '<ListQueueTagsResult><Tag><Key>team</Key><Value>core</Value></Tag></ListQueueTagsResult>',
    );
  });

  it('answers actions without a result with an empty body and no result element', async () => {
    const { json, result } = await respond(
      {},
      'DeleteQueue',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({});
    expect(result).toBe('');
  });
});

describe('results of message actions', () => {
  it('encodes SendMessage, leaving out absent digests', async () => {
    const sendMessage = async () => ({ messageId: 'm-1', md5OfMessageBody: 'b', sequenceNumber: '1' });
    const params = { QueueUrl: QUEUE_URL, MessageBody: 'x' };

    const { json, result } = await respond({ sendMessage }, 'SendMessage', params, params);

    expect(json).toEqual({ MD5OfMessageBody: 'b', MessageId: 'm-1', SequenceNumber: '1' });
    expect(result).toBe(
      '<SendMessageResult><MessageId>m-1</MessageId><MD5OfMessageBody>b</MD5OfMessageBody>' +
        '<SequenceNumber>1</SequenceNumber></SendMessageResult>',
    );
  });

  it('encodes SendMessageBatch successes and failures', async () => {
    const sendMessageBatch = async () => ({
      successful: [{ id: 'a', messageId: 'm-a', md5OfMessageBody: 'b', md5OfMessageAttributes: 'c' }],
      failed: [{ id: 'b', senderFault: true, code: 'InvalidMessageContents', message: 'Bad <chars>' }],
    });
    const json = { QueueUrl: QUEUE_URL, Entries: [{ Id: 'a', MessageBody: 'x' }] };
    const query = { QueueUrl: QUEUE_URL, 'SendMessageBatchRequestEntry.1.Id': 'a' };

    const response = await respond({ sendMessageBatch }, 'SendMessageBatch', json, {
      ...query,
      'SendMessageBatchRequestEntry.1.MessageBody': 'x',
    });

    expect(response.json).toEqual({
      Successful: [{ Id: 'a', MessageId: 'm-a', MD5OfMessageBody: 'b', MD5OfMessageAttributes: 'c' }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents', Message: 'Bad <chars>' }],
    });
    expect(response.result).toBe(
      '<SendMessageBatchResult>' +
        '<SendMessageBatchResultEntry><Id>a</Id><MessageId>m-a</MessageId><MD5OfMessageBody>b</MD5OfMessageBody>' +
        '<MD5OfMessageAttributes>c</MD5OfMessageAttributes></SendMessageBatchResultEntry>' +
        '<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>InvalidMessageContents</Code>' +
        '<Message>Bad &lt;chars&gt;</Message></BatchResultErrorEntry>' +
        '</SendMessageBatchResult>',
    );
  });

  it('sends both batch lists in JSON even when empty', async () => {
    const json = { QueueUrl: QUEUE_URL, Entries: [{ Id: 'a', ReceiptHandle: 'r' }] };
    const query = {
      QueueUrl: QUEUE_URL,
      'DeleteMessageBatchRequestEntry.1.Id': 'a',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': 'r',
    };

    const response = await respond({}, 'DeleteMessageBatch', json, query);

    expect(response.json).toEqual({ Successful: [], Failed: [] });
    expect(response.result).toBe('<DeleteMessageBatchResult/>');
  });

  it('names the successful entries of each batch action as the model does', async () => {
    const changeMessageVisibilityBatch = async () => ({ successful: [{ id: 'a' }], failed: [] });
    const query = {
      QueueUrl: QUEUE_URL,
      'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'a',
      'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': 'r',
      'ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout': '0',
    };
    const json = { QueueUrl: QUEUE_URL, Entries: [{ Id: 'a', ReceiptHandle: 'r', VisibilityTimeout: 0 }] };

    const response = await respond(
      { changeMessageVisibilityBatch },
      'ChangeMessageVisibilityBatch',
      json,
      query,
    );

    expect(response.json).toEqual({ Successful: [{ Id: 'a' }], Failed: [] });
    expect(response.result).toBe(
      '<ChangeMessageVisibilityBatchResult><ChangeMessageVisibilityBatchResultEntry><Id>a</Id>' +
        '</ChangeMessageVisibilityBatchResultEntry></ChangeMessageVisibilityBatchResult>',
    );
  });

  it('encodes received messages with attributes, escaping the body as SQS does', async () => {
    const receiveMessage = async () => ({ messages: [message] });

    const { json, result } = await respond(
      { receiveMessage },
      'ReceiveMessage',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          MD5OfBody: 'body-md5',
          Body: 'line 1\r\n<b>"two"</b>',
          Attributes: { SentTimestamp: '1700000000000' },
          MD5OfMessageAttributes: 'attr-md5',
          MessageAttributes: {
            color: { DataType: 'String', StringValue: 'red' },
            raw: { DataType: 'Binary', BinaryValue: 'AAH+' },
          },
        },
      ],
    });
    expect(result).toBe(
      '<ReceiveMessageResult><Message><MessageId>m-1</MessageId><ReceiptHandle>rh-1</ReceiptHandle>' +
        '<MD5OfBody>body-md5</MD5OfBody><Body>line 1&#xD;\n&lt;b&gt;&quot;two&quot;&lt;/b&gt;</Body>' +
        '<Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>' +
        '<MD5OfMessageAttributes>attr-md5</MD5OfMessageAttributes>' +
        '<MessageAttribute><Name>color</Name><Value><StringValue>red</StringValue><DataType>String</DataType></Value></MessageAttribute>' +
        '<MessageAttribute><Name>raw</Name><Value><BinaryValue>AAH+</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>' +
        '</Message></ReceiveMessageResult>',
    );
  });

  it('leaves out empty maps of a received message', async () => {
    const bare: ReceivedMessage = {
      ...message,
      attributes: {},
      messageAttributes: {},
      md5OfMessageAttributes: undefined,
    };
    const receiveMessage = async () => ({ messages: [bare] });

    const { json } = await respond(
      { receiveMessage },
      'ReceiveMessage',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({
      Messages: [{ MessageId: 'm-1', ReceiptHandle: 'rh-1', MD5OfBody: 'body-md5', Body: bare.body }],
    });
  });

  it('answers an empty receive with no Messages and an empty result element', async () => {
    const { json, result } = await respond(
      {},
      'ReceiveMessage',
      { QueueUrl: QUEUE_URL },
      { QueueUrl: QUEUE_URL },
    );

    expect(json).toEqual({});
    expect(result).toBe('<ReceiveMessageResult/>');
  });
});

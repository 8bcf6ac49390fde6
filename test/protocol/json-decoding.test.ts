import { describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { fakeEngine, jsonRequest, queueUrl } from './fake-engine.js';

/** Sends one JSON request and returns the engine input it decoded to, or the error the client saw. */
async function decode(action: string, body: unknown) {
  const engine = fakeEngine();
  const response = await createRequestHandler(engine)(jsonRequest(action, body));
  if (response.status !== 200) {
    const error = JSON.parse(response.body) as { __type: string; message: string };
    return { error: { status: response.status, type: error.__type.split('#')[1], message: error.message } };
  }
  return { input: engine.lastInput() };
}

const QUEUE_URL = queueUrl('orders');

describe('JSON decoding of queue actions', () => {
  it('decodes CreateQueue with attributes and lower-case tags', async () => {
    const result = await decode('CreateQueue', {
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '10' },
      tags: { team: 'core' },
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      attributes: { VisibilityTimeout: '10' },
      tags: { team: 'core' },
    });
  });

  it('decodes GetQueueUrl with the owner account', async () => {
    const result = await decode('GetQueueUrl', {
      QueueName: 'orders',
      QueueOwnerAWSAccountId: '123456789012',
    });

    expect(result.input).toEqual({ queueName: 'orders', queueOwnerAwsAccountId: '123456789012' });
  });

  it('decodes ListQueues paging', async () => {
    const result = await decode('ListQueues', { QueueNamePrefix: 'ord', MaxResults: 5, NextToken: 't' });

    expect(result.input).toEqual({ queueNamePrefix: 'ord', maxResults: 5, nextToken: 't' });
  });

  it('reads the queue name from QueueUrl', async () => {
    const result = await decode('DeleteQueue', { QueueUrl: QUEUE_URL });

    expect(result.input).toEqual({ queueName: 'orders' });
  });

  it('decodes GetQueueAttributes names and SetQueueAttributes values', async () => {
    const get = await decode('GetQueueAttributes', { QueueUrl: QUEUE_URL, AttributeNames: ['All'] });
    const set = await decode('SetQueueAttributes', {
      QueueUrl: QUEUE_URL,
      Attributes: { DelaySeconds: '5' },
    });

    expect(get.input).toEqual({ queueName: 'orders', attributeNames: ['All'] });
    expect(set.input).toEqual({ queueName: 'orders', attributes: { DelaySeconds: '5' } });
  });

  it('decodes TagQueue and UntagQueue', async () => {
    const tag = await decode('TagQueue', { QueueUrl: QUEUE_URL, Tags: { a: '1' } });
    const untag = await decode('UntagQueue', { QueueUrl: QUEUE_URL, TagKeys: ['a', 'b'] });

    expect(tag.input).toEqual({ queueName: 'orders', tags: { a: '1' } });
    expect(untag.input).toEqual({ queueName: 'orders', tagKeys: ['a', 'b'] });
  });
});

describe('JSON decoding of message actions', () => {
  it('decodes SendMessage with string and binary attributes', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'hello',
      DelaySeconds: 3,
      MessageAttributes: {
        color: { DataType: 'String', StringValue: 'red' },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 255]).toString('base64') },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1' } },
      MessageDeduplicationId: 'd',
      MessageGroupId: 'g',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      messageBody: 'hello',
      delaySeconds: 3,
      messageAttributes: {
        color: { dataType: 'String', stringValue: 'red' },
        blob: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 255]) },
      },
      messageSystemAttributes: { AWSTraceHeader: { dataType: 'String', stringValue: 'Root=1' } },
      messageDeduplicationId: 'd',
      messageGroupId: 'g',
    });
  });

  it('decodes SendMessageBatch entries', async () => {
    const result = await decode('SendMessageBatch', {
      QueueUrl: QUEUE_URL,
      Entries: [
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'two', DelaySeconds: 1 },
      ],
    });

    expect(result.input).toMatchObject({
      queueName: 'orders',
      entries: [
        { id: 'a', messageBody: 'one' },
        { id: 'b', messageBody: 'two', delaySeconds: 1 },
      ],
    });
  });

  it('decodes ReceiveMessage, merging both system attribute lists', async () => {
    const result = await decode('ReceiveMessage', {
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 20,
      AttributeNames: ['SentTimestamp', 'All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['color.*'],
      ReceiveRequestAttemptId: 'r',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      maxNumberOfMessages: 10,
      visibilityTimeout: 0,
      waitTimeSeconds: 20,
      messageSystemAttributeNames: ['All', 'SentTimestamp'],
      messageAttributeNames: ['color.*'],
      receiveRequestAttemptId: 'r',
    });
  });

  it('leaves out system attribute names when neither list is sent', async () => {
    const result = await decode('ReceiveMessage', { QueueUrl: QUEUE_URL });

    expect(result.input).toMatchObject({ messageSystemAttributeNames: undefined });
  });

  it('decodes the delete and visibility actions', async () => {
    const del = await decode('DeleteMessage', { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh' });
    const delBatch = await decode('DeleteMessageBatch', {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: '1', ReceiptHandle: 'rh' }],
    });
    const change = await decode('ChangeMessageVisibility', {
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'rh',
      VisibilityTimeout: 60,
    });
    const changeBatch = await decode('ChangeMessageVisibilityBatch', {
      QueueUrl: QUEUE_URL,
      Entries: [{ Id: '1', ReceiptHandle: 'rh', VisibilityTimeout: 0 }],
    });

    expect(del.input).toEqual({ queueName: 'orders', receiptHandle: 'rh' });
    expect(delBatch.input).toEqual({ queueName: 'orders', entries: [{ id: '1', receiptHandle: 'rh' }] });
    expect(change.input).toEqual({ queueName: 'orders', receiptHandle: 'rh', visibilityTimeout: 60 });
    expect(changeBatch.input).toEqual({
      queueName: 'orders',
      entries: [{ id: '1', receiptHandle: 'rh', visibilityTimeout: 0 }],
    });
  });

  it('passes a batch without entries on as empty, for the engine to answer EmptyBatchRequest', async () => {
    const result = await decode('DeleteMessageBatch', { QueueUrl: QUEUE_URL });

    expect(result.input).toEqual({ queueName: 'orders', entries: [] });
  });
});

describe('JSON decoding of bad requests', () => {
  it.each([
    ['GetQueueUrl', {}, 'The request must contain the parameter QueueName.'],
    ['DeleteQueue', {}, 'The request must contain the parameter QueueUrl.'],
    ['DeleteQueue', { QueueUrl: '' }, 'The request must contain the parameter QueueUrl.'],
    ['SendMessage', { QueueUrl: QUEUE_URL }, 'The request must contain the parameter MessageBody.'],
    [
      'SendMessage',
      { QueueUrl: QUEUE_URL, MessageBody: '' },
      'The request must contain the parameter MessageBody.',
    ],
    [
      'DeleteMessage',
      { QueueUrl: QUEUE_URL, ReceiptHandle: null },
      'The request must contain the parameter ReceiptHandle.',
    ],
    ['SetQueueAttributes', { QueueUrl: QUEUE_URL }, 'The request must contain the parameter Attributes.'],
    ['UntagQueue', { QueueUrl: QUEUE_URL }, 'The request must contain the parameter TagKeys.'],
    [
      'ChangeMessageVisibilityBatch',
      { QueueUrl: QUEUE_URL, Entries: [{ Id: '1', ReceiptHandle: 'rh' }] },
      'The request must contain the parameter Entries.1.VisibilityTimeout.',
    ],
  ])('answers %s %j with MissingParameter', async (action, body, message) => {
    const result = await decode(action, body);

    expect(result.error).toEqual({ status: 400, type: 'MissingRequiredParameterException', message });
  });

  it.each([
    [
      'a number for a string',
      'DeleteQueue',
      { QueueUrl: 5 },
      'NUMBER_VALUE can not be converted to a String',
    ],
    [
      'a string for an integer',
      'ReceiveMessage',
      { QueueUrl: QUEUE_URL, WaitTimeSeconds: '5' },
      'STRING_VALUE can not be converted to an Integer',
    ],
    [
      'a fraction for an integer',
      'ReceiveMessage',
      { QueueUrl: QUEUE_URL, WaitTimeSeconds: 1.5 },
      'NUMBER_VALUE can not be converted to an Integer',
    ],
    [
      'an array for a string',
      'DeleteQueue',
      { QueueUrl: [QUEUE_URL] },
      'Start of list found where not expected',
    ],
    [
      'an object for a string',
      'DeleteQueue',
      { QueueUrl: {} },
      'Start of structure or map found where not expected.',
    ],
    [
      'a string for a list',
      'GetQueueAttributes',
      { QueueUrl: QUEUE_URL, AttributeNames: 'All' },
      'STRING_VALUE can not be converted to a List',
    ],
    [
      'a list for a map',
      'CreateQueue',
      { QueueName: 'q', Attributes: [] },
      'Start of list found where not expected',
    ],
    [
      'a boolean in a map',
      'CreateQueue',
      { QueueName: 'q', Attributes: { FifoQueue: true } },
      'TRUE_VALUE can not be converted to a String',
    ],
    [
      'bad base64',
      'SendMessage',
      {
        QueueUrl: QUEUE_URL,
        MessageBody: 'x',
        MessageAttributes: { b: { DataType: 'Binary', BinaryValue: '!!' } },
      },
      'Base64 encoded value for MessageAttributes.b.BinaryValue is invalid.',
    ],
  ])('answers %s with SerializationException', async (_, action, body, message) => {
    const result = await decode(action, body);

    expect(result.error).toEqual({ status: 400, type: 'SerializationException', message });
  });

  it('rejects message attribute list values as SQS does', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'x',
      MessageAttributes: { l: { DataType: 'String', StringListValues: ['a'] } },
    });

    expect(result.error).toEqual({
      status: 400,
      type: 'UnsupportedOperation',
      message: 'Message attribute list values in SendMessage operation are not supported.',
    });
  });

  it('answers a QueueUrl of another account with QueueDoesNotExist', async () => {
    const result = await decode('PurgeQueue', { QueueUrl: 'http://h/999999999999/orders' });

    expect(result.error).toMatchObject({ status: 400, type: 'QueueDoesNotExist' });
  });
});

describe('JSON decoding of hostile input', () => {
  it('rejects a structure under __proto__ where a string belongs, polluting nothing', async () => {
    const body =
      '{"QueueName":"q","Attributes":{"__proto__":"x","constructor":"y"},"tags":{"__proto__":{"a":1}}}';

    const result = await decode('CreateQueue', body);

    expect(result.error?.type).toBe('SerializationException');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('builds prototype-free maps from client keys', async () => {
    const result = await decode(
      'CreateQueue',
      '{"QueueName":"q","Attributes":{"__proto__":"x","toString":"y"}}',
    );
    const attributes = (result.input as { attributes: Record<string, string> }).attributes;

    expect(Object.getPrototypeOf(attributes)).toBeNull();
    expect(Object.entries(attributes)).toEqual([
      ['__proto__', 'x'],
      ['toString', 'y'],
    ]);
  });

  it('ignores members it does not know and treats null as absent', async () => {
    const result = await decode('ListQueues', { Unknown: [1, 2], QueueNamePrefix: null, MaxResults: null });

    expect(result.input).toEqual({ queueNamePrefix: undefined, maxResults: undefined, nextToken: undefined });
  });

  it('treats null list items and null entries as absent', async () => {
    const list = await decode('GetQueueAttributes', { QueueUrl: QUEUE_URL, AttributeNames: ['All', null] });
    const batch = await decode('DeleteMessageBatch', { QueueUrl: QUEUE_URL, Entries: [null] });

    expect(list.input).toEqual({ queueName: 'orders', attributeNames: ['All'] });
    expect(batch.error?.message).toBe('The request must contain the parameter Entries.1.Id.');
  });
});

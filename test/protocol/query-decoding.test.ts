import { describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';
import { ACCOUNT_ID, fakeEngine, queryRequest, queueUrl } from './fake-engine.js';

/** Sends one Query request and returns the engine input it decoded to, or the error the client saw. */
async function send(request: HttpRequest) {
  const engine = fakeEngine();
  const response = await createRequestHandler(engine)(request);
  if (response.status !== 200) {
    const code = /<Code>(.*?)<\/Code>/.exec(response.body)?.[1];
    const message = /<Message>(.*?)<\/Message>/.exec(response.body)?.[1];
    return { error: { status: response.status, code, message } };
  }
  return { input: engine.lastInput() };
}

function decode(action: string, params: Record<string, string>) {
  return send(queryRequest({ Action: action, Version: '2012-11-05', ...params }));
}

const QUEUE_URL = queueUrl('orders');

describe('Query decoding of queue actions', () => {
  it('decodes CreateQueue with flattened attributes and tags', async () => {
    const result = await decode('CreateQueue', {
      QueueName: 'orders',
      'Attribute.1.Name': 'VisibilityTimeout',
      'Attribute.1.Value': '10',
      'Attribute.2.Name': 'DelaySeconds',
      'Attribute.2.Value': '0',
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'core',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      attributes: { VisibilityTimeout: '10', DelaySeconds: '0' },
      tags: { team: 'core' },
    });
  });

  it('decodes GetQueueAttributes names in index order', async () => {
    const result = await decode('GetQueueAttributes', {
      QueueUrl: QUEUE_URL,
      'AttributeName.10': 'QueueArn',
      'AttributeName.2': 'DelaySeconds',
      'AttributeName.1': 'VisibilityTimeout',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      attributeNames: ['VisibilityTimeout', 'DelaySeconds', 'QueueArn'],
    });
  });

  it('decodes ListQueues with an integer MaxResults', async () => {
    const result = await decode('ListQueues', { QueueNamePrefix: 'o', MaxResults: '7' });

    expect(result.input).toEqual({ queueNamePrefix: 'o', maxResults: 7, nextToken: undefined });
  });

  it('decodes TagQueue, UntagQueue and ListQueueTags', async () => {
    const tag = await decode('TagQueue', { QueueUrl: QUEUE_URL, 'Tag.1.Key': 'a', 'Tag.1.Value': '' });
    const untag = await decode('UntagQueue', { QueueUrl: QUEUE_URL, 'TagKey.1': 'a', 'TagKey.2': 'b' });
    const list = await decode('ListQueueTags', { QueueUrl: QUEUE_URL });

    expect(tag.input).toEqual({ queueName: 'orders', tags: { a: '' } });
    expect(untag.input).toEqual({ queueName: 'orders', tagKeys: ['a', 'b'] });
    expect(list.input).toEqual({ queueName: 'orders' });
  });

  it('decodes ListDeadLetterSourceQueues with its paging parameters', async () => {
    const result = await decode('ListDeadLetterSourceQueues', {
      QueueUrl: QUEUE_URL,
      MaxResults: '5',
      NextToken: 'token',
    });

    expect(result.input).toEqual({ queueName: 'orders', maxResults: 5, nextToken: 'token' });
  });

  it('matches the action name case-insensitively', async () => {
    const result = await decode('listqueues', {});

    expect(result.input).toEqual({ queueNamePrefix: undefined, maxResults: undefined, nextToken: undefined });
  });
});

describe('Query decoding of message actions', () => {
  it('decodes SendMessage with message and system attributes', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'hello world',
      DelaySeconds: '2',
      'MessageAttribute.1.Name': 'color',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'red',
      'MessageAttribute.2.Name': 'raw',
      'MessageAttribute.2.Value.DataType': 'Binary.gz',
      'MessageAttribute.2.Value.BinaryValue': Buffer.from('hi').toString('base64'),
      'MessageSystemAttribute.1.Name': 'AWSTraceHeader',
      'MessageSystemAttribute.1.Value.DataType': 'String',
      'MessageSystemAttribute.1.Value.StringValue': 'Root=1',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      messageBody: 'hello world',
      delaySeconds: 2,
      messageAttributes: {
        color: { dataType: 'String', stringValue: 'red' },
        raw: { dataType: 'Binary.gz', binaryValue: Buffer.from('hi') },
      },
      messageSystemAttributes: { AWSTraceHeader: { dataType: 'String', stringValue: 'Root=1' } },
      messageGroupId: 'g',
      messageDeduplicationId: 'd',
    });
  });

  it('passes an attribute without a DataType on with an empty one, for the engine to reject', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'x',
      'MessageAttribute.1.Name': 'a',
    });

    expect(result.input).toMatchObject({ messageAttributes: { a: { dataType: '' } } });
  });

  it('decodes SendMessageBatch entries', async () => {
    const result = await decode('SendMessageBatch', {
      QueueUrl: QUEUE_URL,
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'one',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': '',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Name': 'n',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType': 'Number',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue': '1',
    });

    expect(result.input).toMatchObject({
      queueName: 'orders',
      entries: [
        { id: 'a', messageBody: 'one' },
        { id: 'b', messageBody: '', messageAttributes: { n: { dataType: 'Number', stringValue: '1' } } },
      ],
    });
  });

  it('decodes ReceiveMessage with legacy and current attribute names', async () => {
    const result = await decode('ReceiveMessage', {
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: '10',
      WaitTimeSeconds: '1',
      'AttributeName.1': 'All',
      'MessageSystemAttributeName.1': 'SentTimestamp',
      'MessageAttributeName.1': 'All',
    });

    expect(result.input).toEqual({
      queueName: 'orders',
      maxNumberOfMessages: 10,
      visibilityTimeout: undefined,
      waitTimeSeconds: 1,
      messageSystemAttributeNames: ['SentTimestamp', 'All'],
      messageAttributeNames: ['All'],
      receiveRequestAttemptId: undefined,
    });
  });

  it('decodes the batch delete and visibility entries', async () => {
    const del = await decode('DeleteMessageBatch', {
      QueueUrl: QUEUE_URL,
      'DeleteMessageBatchRequestEntry.1.Id': 'x',
      'DeleteMessageBatchRequestEntry.1.ReceiptHandle': 'rh',
    });
    const change = await decode('ChangeMessageVisibilityBatch', {
      QueueUrl: QUEUE_URL,
      'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'x',
      'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': 'rh',
      'ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout': '30',
    });

    expect(del.input).toEqual({ queueName: 'orders', entries: [{ id: 'x', receiptHandle: 'rh' }] });
    expect(change.input).toEqual({
      queueName: 'orders',
      entries: [{ id: 'x', receiptHandle: 'rh', visibilityTimeout: 30 }],
    });
  });
});

describe('Query parameter sources', () => {
  it('reads parameters from the URL of a GET', async () => {
    const result = await send(
      queryRequest({ Action: 'GetQueueUrl', QueueName: 'orders' }, { method: 'GET' }),
    );

    expect(result.input).toEqual({ queueName: 'orders', queueOwnerAwsAccountId: undefined });
  });

  it('merges URL and body parameters of a POST', async () => {
    const request = {
      ...queryRequest({ QueueName: 'orders' }),
      query: 'Action=GetQueueUrl&Version=2012-11-05',
    };

    const result = await send(request);

    expect(result.input).toEqual({ queueName: 'orders', queueOwnerAwsAccountId: undefined });
  });

  it('takes the queue from the request path when QueueUrl is absent', async () => {
    const result = await send(queryRequest({ Action: 'PurgeQueue' }, { path: `/${ACCOUNT_ID}/jobs` }));

    expect(result.input).toEqual({ queueName: 'jobs' });
  });

  it('prefers QueueUrl over the request path', async () => {
    const request = queryRequest(
      { Action: 'PurgeQueue', QueueUrl: QUEUE_URL },
      { path: `/${ACCOUNT_ID}/jobs` },
    );

    const result = await send(request);

    expect(result.input).toEqual({ queueName: 'orders' });
  });

  it('answers a request path of another account with NonExistentQueue', async () => {
    const result = await send(queryRequest({ Action: 'PurgeQueue' }, { path: '/999999999999/jobs' }));

    expect(result.error).toEqual({
      status: 400,
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist for this wsdl version.',
    });
  });
});

describe('Query decoding of bad requests', () => {
  it.each([
    ['DeleteQueue', {}, 'QueueUrl'],
    ['SendMessage', { QueueUrl: QUEUE_URL, MessageBody: '' }, 'MessageBody'],
    ['ChangeMessageVisibility', { QueueUrl: QUEUE_URL, ReceiptHandle: 'rh' }, 'VisibilityTimeout'],
    ['CreateQueue', { QueueName: 'q', 'Attribute.1.Name': 'DelaySeconds' }, 'Attribute.1.Value'],
    ['CreateQueue', { QueueName: 'q', 'Attribute.1.Value': '1' }, 'Attribute.1.Name'],
    [
      'SendMessageBatch',
      { QueueUrl: QUEUE_URL, 'SendMessageBatchRequestEntry.1.MessageBody': 'x' },
      'SendMessageBatchRequestEntry.1.Id',
    ],
    ['TagQueue', { QueueUrl: QUEUE_URL }, 'Tags'],
  ])('answers %s %j with MissingParameter', async (action, params, parameter) => {
    const result = await decode(action, params);

    expect(result.error).toEqual({
      status: 400,
      code: 'MissingParameter',
      message: `The request must contain the parameter ${parameter}.`,
    });
  });

  it.each(['ten', '1.5', '1e3', '', '99999999999999999999'])(
    'answers MaxNumberOfMessages=%j with InvalidParameterValue',
    async (value) => {
      const result = await decode('ReceiveMessage', { QueueUrl: QUEUE_URL, MaxNumberOfMessages: value });

      expect(result.error).toEqual({
        status: 400,
        code: 'InvalidParameterValue',
        message: `Value ${value} for parameter MaxNumberOfMessages is invalid. Reason: Must be an integer.`,
      });
    },
  );

  it('answers a binary value that is not base64 with InvalidParameterValue', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'x',
      'MessageAttribute.1.Name': 'b',
      'MessageAttribute.1.Value.DataType': 'Binary',
      'MessageAttribute.1.Value.BinaryValue': 'not base64!',
    });

    expect(result.error?.code).toBe('InvalidParameterValue');
  });

  it('answers list attribute values with UnsupportedOperation', async () => {
    const result = await decode('SendMessage', {
      QueueUrl: QUEUE_URL,
      MessageBody: 'x',
      'MessageAttribute.1.Name': 'l',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringListValue.1': 'a',
    });

    expect(result.error?.code).toBe('AWS.SimpleQueueService.UnsupportedOperation');
  });
});

describe('Query decoding of hostile input', () => {
  it('orders huge indices numerically without allocating by index', async () => {
    const result = await decode('GetQueueAttributes', {
      QueueUrl: QUEUE_URL,
      'AttributeName.99999999999999999999999999': 'Last',
      'AttributeName.3': 'Middle',
      'AttributeName.1': 'First',
    });

    expect(result.input).toMatchObject({ attributeNames: ['First', 'Middle', 'Last'] });
  });

  it('ignores indices that are not canonical positive integers', async () => {
    const result = await decode('GetQueueAttributes', {
      QueueUrl: QUEUE_URL,
      'AttributeName.0': 'zero',
      'AttributeName.01': 'padded',
      'AttributeName.-1': 'negative',
      'AttributeName.x': 'letter',
      'AttributeName.1': 'one',
    });

    expect(result.input).toMatchObject({ attributeNames: ['one'] });
  });

  it('keeps __proto__ as a plain attribute name', async () => {
    const result = await decode('CreateQueue', {
      QueueName: 'q',
      'Attribute.1.Name': '__proto__',
      'Attribute.1.Value': 'x',
      'Tag.1.Key': 'constructor',
      'Tag.1.Value': 'y',
    });
    const input = result.input as { attributes: Record<string, string>; tags: Record<string, string> };

    expect(Object.getPrototypeOf(input.attributes)).toBeNull();
    expect(Object.entries(input.attributes)).toEqual([['__proto__', 'x']]);
    expect(Object.entries(input.tags)).toEqual([['constructor', 'y']]);
  });

  it('treats __proto__ as an ordinary parameter name', async () => {
    const request = queryRequest({});
    const body =
      'Action=CreateQueue&QueueName=q&__proto__.polluted=1&constructor.prototype.polluted=2&Attribute.__proto__=3';

    const result = await send({ ...request, body });

    expect(result.input).toEqual({ queueName: 'q', attributes: {}, tags: undefined });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

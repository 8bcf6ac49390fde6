import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Invoker } from '../../lambda/consumers/ports.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { md5Hex, md5OfMessageAttributes } from '../helpers/md5.js';
import { pollUntil } from '../helpers/poll.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

/** A consumer that records each event it gets and succeeds. */
function capture(queueName: string, reportBatchItemFailures = false): SQSEvent[] {
  const events: SQSEvent[] = [];
  const invoker: Invoker = async (event) => {
    events.push(JSON.parse(JSON.stringify(event)) as SQSEvent);
    return { kind: 'returned', payload: undefined };
  };
  stack.consume({ queueName, reportBatchItemFailures }, invoker);
  return events;
}

describe('the SQS event a consumer gets', () => {
  it('carries every field Lambda sends for a Standard message, attributes and digests included', async () => {
    const queueName = uniqueQueueName('event');
    const url = await stack.createQueue(queueName);
    const events = capture(queueName);
    const attributes = {
      kind: { DataType: 'String', StringValue: 'order' },
      amount: { DataType: 'Number.cents', StringValue: '1250' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    };

    const sent = await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo', MessageAttributes: attributes }),
    );
    const [event] = await pollUntil(async () => events.length > 0 && events, 10_000, 20);

    const record = event?.Records[0];
    expect(event?.Records).toHaveLength(1);
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'messageId',
        'receiptHandle',
        'body',
        'attributes',
        'messageAttributes',
        'md5OfBody',
        'md5OfMessageAttributes',
        'eventSource',
        'eventSourceARN',
        'awsRegion',
      ].sort(),
    );
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body: 'héllo',
      md5OfBody: md5Hex('héllo'),
      md5OfMessageAttributes: md5OfMessageAttributes({
        kind: { dataType: 'String', stringValue: 'order' },
        amount: { dataType: 'Number.cents', stringValue: '1250' },
        blob: { dataType: 'Binary', binaryValue: new Uint8Array([0, 1, 2, 255]) },
      }),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
      awsRegion: 'us-east-1',
      messageAttributes: {
        kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
        amount: { stringValue: '1250', stringListValues: [], binaryListValues: [], dataType: 'Number.cents' },
        blob: { binaryValue: 'AAEC/w==', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(record?.md5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Object.keys(record?.attributes ?? {}).sort()).toEqual(
      ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'].sort(),
    );
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.attributes.SentTimestamp).toMatch(/^\d{13}$/);
    expect(record?.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
    expect(record?.receiptHandle).toMatch(/./);
  });

  it('leaves out md5OfMessageAttributes for a message without attributes, and adds the trace header when sent', async () => {
    const queueName = uniqueQueueName('event-plain');
    const url = await stack.createQueue(queueName);
    const events = capture(queueName);

    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'plain',
        MessageSystemAttributes: {
          AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
        },
      }),
    );
    const [event] = await pollUntil(async () => events.length > 0 && events, 10_000, 20);

    const record = event?.Records[0];
    expect(record).not.toHaveProperty('md5OfMessageAttributes');
    expect(record?.messageAttributes).toEqual({});
    expect(record?.attributes.AWSTraceHeader).toBe('Root=1-5759e988-bd862e3fe1be46a994272793');
  });

  it('adds SequenceNumber, MessageGroupId and MessageDeduplicationId for a FIFO message', async () => {
    const queueName = `${uniqueQueueName('event')}.fifo`;
    const url = await stack.createQueue(queueName, { FifoQueue: 'true' });
    const events = capture(queueName);

    const sent = await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'fifo',
        MessageGroupId: 'g-1',
        MessageDeduplicationId: 'd-1',
      }),
    );
    const [event] = await pollUntil(async () => events.length > 0 && events, 10_000, 20);

    expect(event?.Records[0]?.attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SequenceNumber: sent.SequenceNumber,
      MessageGroupId: 'g-1',
      MessageDeduplicationId: 'd-1',
    });
  });
});

import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Invoker } from '../../lambda/consumers/ports.js';
import { type ConsumerService, startConsumerService } from '../helpers/consumer-service.js';
import { pollUntil } from '../helpers/poll.js';
import { uniqueQueueName } from '../helpers/test-queue.js';

let stack: ConsumerService;
beforeAll(async () => {
  stack = await startConsumerService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterAll(() => stack.close());

describe('consumer filters', () => {
  it('invokes only for records a pattern matches and deletes the others without invoking', async () => {
    const queueName = uniqueQueueName('filters');
    const url = await stack.createQueue(queueName);
    const bodies: string[] = [];
    const invoker: Invoker = async (event) => {
      bodies.push(...event.Records.map((record) => record.body));
      return { kind: 'returned', payload: null };
    };
    stack.consume(
      {
        queueName,
        filters: [
          { body: { kind: ['order'] } },
          JSON.stringify({ messageAttributes: { priority: { stringValue: ['high'] } } }),
        ],
      },
      invoker,
    );

    for (const body of ['{"kind":"order","id":1}', '{"kind":"refund","id":2}', 'plain text']) {
      await stack.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    }
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'urgent',
        MessageAttributes: { priority: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    await pollUntil(async () => {
      const { Attributes = {} } = await stack.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Attributes.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0'
      );
    }, 15_000);

    expect(bodies.sort()).toEqual(['urgent', '{"kind":"order","id":1}'].sort());
  });
});

import {
  CreateTopicCommand,
  PublishBatchCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createQueueWithArn, receiveAll, receiveFor, topicClients, uniqueName } from '../helpers/sns.js';

async function fifoTopic(attributes: Record<string, string> = {}, subscription: Record<string, string> = {}) {
  const { sns, sqs } = await topicClients();
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({
      Name: `${uniqueName('orders')}.fifo`,
      Attributes: { FifoTopic: 'true', ...attributes },
    }),
  );
  const queue = await createQueueWithArn(sqs, `${uniqueName('q')}.fifo`, { FifoQueue: 'true' });
  await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: subscription }),
  );
  return { sns, sqs, topicArn: TopicArn as string, queue };
}

describe('FIFO topics', () => {
  it('deliver each group in publish order, with the group and a sequence number', async () => {
    const { sns, sqs, topicArn, queue } = await fifoTopic({}, { RawMessageDelivery: 'true' });

    const sequences: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: `m${i}`,
          MessageGroupId: i % 2 === 0 ? 'even' : 'odd',
          MessageDeduplicationId: `d${i}`,
        }),
      );
      sequences.push(result.SequenceNumber as string);
    }
    const received: string[] = [];
    for (const message of await receiveAll(sqs, queue.url, 6)) {
      received.push(`${message.Attributes?.MessageGroupId}:${message.Body}`);
    }

    expect(sequences.every((s) => /^\d{20}$/.test(s))).toBe(true);
    expect([...sequences].sort()).toEqual(sequences);
    expect(received.filter((r) => r.startsWith('even:'))).toEqual(['even:m0', 'even:m2', 'even:m4']);
    expect(received.filter((r) => r.startsWith('odd:'))).toEqual(['odd:m1', 'odd:m3', 'odd:m5']);
  });

  it('deliver a retried publish with the same deduplication id once, answering the first MessageId', async () => {
    const { sns, sqs, topicArn, queue } = await fifoTopic();

    const first = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'once',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'same',
      }),
    );
    const retried = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'once',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'same',
      }),
    );
    const messages = await receiveFor(sqs, queue.url, 1_500);

    expect(retried).toMatchObject({ MessageId: first.MessageId, SequenceNumber: first.SequenceNumber });
    expect(messages).toHaveLength(1);
    const envelope = JSON.parse(messages[0]?.Body ?? '{}');
    expect(envelope).toMatchObject({
      MessageId: first.MessageId,
      SequenceNumber: first.SequenceNumber,
      Message: 'once',
    });
    expect(Object.keys(envelope)).toEqual([
      'Type',
      'MessageId',
      'SequenceNumber',
      'TopicArn',
      'Message',
      'Timestamp',
      'UnsubscribeURL',
    ]);
  });

  it('deduplicate by content when ContentBasedDeduplication is on', async () => {
    const { sns, sqs, topicArn, queue } = await fifoTopic(
      { ContentBasedDeduplication: 'true' },
      { RawMessageDelivery: 'true' },
    );

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'same body', MessageGroupId: 'g' }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'same body', MessageGroupId: 'g' }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'other body', MessageGroupId: 'g' }));
    const messages = await receiveFor(sqs, queue.url, 1_500);

    expect(messages.map((m) => m.Body)).toEqual(['same body', 'other body']);
  });

  it('require a group id, and a deduplication id unless deduplication is by content', async () => {
    const { sns, topicArn } = await fifoTopic();

    const noGroup = await sns
      .send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageDeduplicationId: 'd' }))
      .catch((e: Error) => e.message);
    const noDedup = await sns
      .send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageGroupId: 'g' }))
      .catch((e: Error) => e.message);

    expect(noGroup).toBe('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    expect(noDedup).toBe(
      'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  });

  it('publish a batch in order, with sequence numbers', async () => {
    const { sns, sqs, topicArn, queue } = await fifoTopic(
      { ContentBasedDeduplication: 'true' },
      { RawMessageDelivery: 'true' },
    );

    const result = await sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: Array.from({ length: 5 }, (_, i) => ({
          Id: `e${i}`,
          Message: `b${i}`,
          MessageGroupId: 'g',
        })),
      }),
    );
    const messages = await receiveAll(sqs, queue.url, 5);

    expect(result.Successful?.every((s) => /^\d{20}$/.test(s.SequenceNumber ?? ''))).toBe(true);
    expect(messages.map((m) => m.Body)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  });
});

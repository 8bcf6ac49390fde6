import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { createQueueWithArn, receiveAll, topicClients, uniqueName } from '../helpers/sns.js';

describe('Publish to a topic with a queue subscribed', () => {
  it('delivers the message inside the SNS envelope', async () => {
    const { sns, sqs } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('orders') }));
    const queue = await createQueueWithArn(sqs, uniqueName('q'));
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, ReturnSubscriptionArn: true }),
    );

    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'hello "world"',
        Subject: 'greeting',
        MessageAttributes: { store: { DataType: 'String', StringValue: 'example_corp' } },
      }),
    );
    const [message] = await receiveAll(sqs, queue.url, 1);

    const envelope = JSON.parse(message?.Body ?? '{}');
    expect(Object.keys(envelope)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn,
      Subject: 'greeting',
      Message: 'hello "world"',
      SignatureVersion: '1',
      MessageAttributes: { store: { Type: 'String', Value: 'example_corp' } },
    });
    expect(envelope.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(envelope.UnsubscribeURL).toContain(`Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
    expect(message?.Body).toMatch(/^\{\n {2}"Type" : "Notification",\n {2}"MessageId" : /);
  });
});

import { createVerify, X509Certificate } from 'node:crypto';
import {
  CreateTopicCommand,
  PublishBatchCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createQueueWithArn, receiveAll, receiveFor, topicClients, uniqueName } from '../helpers/sns.js';
import { snsFailure } from '../helpers/sns-failure.js';

/** A topic with one queue subscribed, with these subscription attributes. */
async function subscribedQueue(subscriptionAttributes: Record<string, string> = {}) {
  const { sns, sqs } = await topicClients();
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('orders') }));
  const queue = await createQueueWithArn(sqs, uniqueName('q'));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: queue.arn,
      Attributes: subscriptionAttributes,
      ReturnSubscriptionArn: true,
    }),
  );
  return { sns, sqs, topicArn: TopicArn as string, queue, subscriptionArn: SubscriptionArn as string };
}

/** Verifies an envelope as SNS message validators do: fetch the certificate, rebuild the canonical string. */
async function verifyEnvelope(envelope: Record<string, string>): Promise<boolean> {
  const certificate = new X509Certificate(await (await fetch(envelope.SigningCertURL as string)).text());
  const fields = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
  const canonical = fields
    .filter((name) => envelope[name] !== undefined)
    .map((name) => `${name}\n${envelope[name]}\n`)
    .join('');
  const verifier = createVerify(envelope.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(canonical, 'utf8');
  return verifier.verify(certificate.publicKey, envelope.Signature as string, 'base64');
}

describe('Publish to a topic with a queue subscribed', () => {
  it('delivers the message inside the SNS envelope', async () => {
    const { sns, sqs, topicArn, queue, subscriptionArn } = await subscribedQueue();

    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'hello "world"',
        Subject: 'greeting',
        MessageAttributes: {
          store: { DataType: 'String', StringValue: 'example_corp' },
          price: { DataType: 'Number', StringValue: '12.5' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
          sizes: { DataType: 'String.Array', StringValue: '["S","M"]' },
        },
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
      TopicArn: topicArn,
      Subject: 'greeting',
      Message: 'hello "world"',
      SignatureVersion: '1',
      MessageAttributes: {
        store: { Type: 'String', Value: 'example_corp' },
        price: { Type: 'Number', Value: '12.5' },
        blob: { Type: 'Binary', Value: 'AQID' },
        sizes: { Type: 'String.Array', Value: '["S","M"]' },
      },
    });
    expect(envelope.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(envelope.UnsubscribeURL).toContain(`Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`);
    expect(message?.Body).toMatch(/^\{\n {2}"Type" : "Notification",\n {2}"MessageId" : /);
    expect(message?.MessageAttributes).toBeUndefined();
  });

  it.each(['1', '2'])(
    'signs the envelope in version %s, verifiable with the certificate it names',
    async (version) => {
      const { sns, sqs, topicArn, queue } = await subscribedQueue();
      await sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: 'SignatureVersion',
          AttributeValue: version,
        }),
      );

      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'signed ✓', Subject: 'S' }));
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'no subject' }));
      const messages = await receiveAll(sqs, queue.url, 2);

      const envelopes = messages.map((m) => JSON.parse(m.Body ?? '{}'));
      expect(envelopes.map((e) => e.SignatureVersion)).toEqual([version, version]);
      for (const envelope of envelopes) expect(await verifyEnvelope(envelope)).toBe(true);
      expect(await verifyEnvelope({ ...envelopes[0], Message: 'tampered' })).toBe(false);
    },
  );

  it('delivers a message with control characters and U+FFFF inside the envelope, escaped as JSON', async () => {
    const { sns, sqs, topicArn, queue } = await subscribedQueue();
    const message = 'bell\u0007 nul\u0000 nonchar\uFFFF end';

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    const [received] = await receiveAll(sqs, queue.url, 1);

    expect(JSON.parse(received?.Body ?? '{}').Message).toBe(message);
    expect(received?.Body).toContain('\\uffff');
  });

  it('delivers the bare message and its attributes with RawMessageDelivery', async () => {
    const { sns, sqs, topicArn, queue } = await subscribedQueue({ RawMessageDelivery: 'true' });

    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: '{"order":1}',
        MessageAttributes: {
          store: { DataType: 'String', StringValue: 'example_corp' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([9]) },
        },
      }),
    );
    const [message] = await receiveAll(sqs, queue.url, 1);

    expect(message?.Body).toBe('{"order":1}');
    expect(message?.MessageAttributes).toEqual({
      store: { DataType: 'String', StringValue: 'example_corp' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([9]) },
    });
  });

  it('delivers the sqs key of a MessageStructure=json message, else its default', async () => {
    const withSqs = await subscribedQueue();
    const withDefault = await subscribedQueue({ RawMessageDelivery: 'true' });

    await withSqs.sns.send(
      new PublishCommand({
        TopicArn: withSqs.topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'for everyone', sqs: 'for queues', email: 'for people' }),
      }),
    );
    await withDefault.sns.send(
      new PublishCommand({
        TopicArn: withDefault.topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'for everyone', http: 'for hooks' }),
      }),
    );
    const [structured] = await receiveAll(withSqs.sqs, withSqs.queue.url, 1);
    const [fallback] = await receiveAll(withDefault.sqs, withDefault.queue.url, 1);

    expect(JSON.parse(structured?.Body ?? '{}').Message).toBe('for queues');
    expect(fallback?.Body).toBe('for everyone');
    expect(
      await snsFailure(
        withSqs.sns.send(
          new PublishCommand({
            TopicArn: withSqs.topicArn,
            MessageStructure: 'json',
            Message: '{"sqs":"x"}',
          }),
        ),
      ),
    ).toMatchObject({
      status: 400,
      message: 'Invalid parameter: Message Structure - No default entry in JSON message body',
    });
    expect(
      await snsFailure(
        withSqs.sns.send(
          new PublishCommand({ TopicArn: withSqs.topicArn, MessageStructure: 'json', Message: 'plain' }),
        ),
      ),
    ).toMatchObject({
      status: 400,
      message: 'Invalid parameter: Message Structure - JSON message body failed to parse',
    });
  });

  it('forwards MessageGroupId to a standard queue, which uses it as the fair-queue tenant', async () => {
    const { sns, sqs, topicArn, queue } = await subscribedQueue({ RawMessageDelivery: 'true' });

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'tenant', MessageGroupId: 'tenant-a' }));
    const [message] = await receiveAll(sqs, queue.url, 1);

    expect(message?.Attributes?.MessageGroupId).toBe('tenant-a');
  });

  it('accepts TargetArn for TopicArn and answers NotFound for a topic that does not exist', async () => {
    const { sns, sqs, topicArn, queue } = await subscribedQueue({ RawMessageDelivery: 'true' });

    await sns.send(new PublishCommand({ TargetArn: topicArn, Message: 'by target' }));
    const [message] = await receiveAll(sqs, queue.url, 1);
    const missing = await snsFailure(
      sns.send(new PublishCommand({ TopicArn: `${topicArn}-gone`, Message: 'x' })),
    );

    expect(message?.Body).toBe('by target');
    expect(missing).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('sends a message its queue cannot take to the subscription dead-letter queue', async () => {
    const { sqs } = await topicClients();
    const dlq = await createQueueWithArn(sqs, uniqueName('dlq'));
    const { sns, topicArn, queue } = await subscribedQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));

    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'undeliverable' }),
    );
    const [dead] = await receiveAll(sqs, dlq.url, 1);

    expect(JSON.parse(dead?.Body ?? '{}')).toMatchObject({ MessageId, Message: 'undeliverable' });
    expect(dead?.MessageAttributes?.ErrorCode?.StringValue).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });
});

describe('Publish refuses what SNS refuses', () => {
  it.each([
    [{ Message: '' }, 'Invalid parameter: Empty message'],
    [{ Message: 'x', Subject: '' }, 'Invalid parameter: Subject'],
    [{ Message: 'x', Subject: 'line\nbreak' }, 'Invalid parameter: Subject'],
    [{ Message: 'x', Subject: 's'.repeat(101) }, 'Invalid parameter: Subject'],
    [{ Message: 'x'.repeat(262_145) }, 'Invalid parameter: Message too long'],
    [
      { Message: 'x', MessageDeduplicationId: 'd' },
      'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
    ],
  ])('%j', async (params, message) => {
    const { sns, topicArn } = await subscribedQueue();

    const error = await snsFailure(sns.send(new PublishCommand({ TopicArn: topicArn, ...params })));

    expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400, message });
  });

  it.each([
    [
      { '.a': { DataType: 'String', StringValue: 'v' } },
      "Invalid message attribute name starting with character '.' was found.",
    ],
    [
      { a: { DataType: 'Colour', StringValue: 'v' } },
      "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    ],
    [
      { a: { DataType: 'Number', StringValue: 'ten' } },
      "Could not cast message attribute 'a' value to number.",
    ],
    [
      { a: { DataType: 'String', StringValue: '' } },
      "The message attribute 'a' must contain non-empty message attribute value for message attribute type 'String'.",
    ],
    [
      { 'a b': { DataType: 'String', StringValue: 'v' } },
      "Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.",
    ],
  ])('message attributes %j', async (MessageAttributes, message) => {
    const { sns, topicArn } = await subscribedQueue();

    const error = await snsFailure(
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'm', MessageAttributes })),
    );

    expect(error).toMatchObject({ name: 'InvalidParameterValueException', status: 400, message });
  });
});

describe('PublishBatch', () => {
  it('publishes up to ten entries, each with its id and MessageId', async () => {
    const { sns, sqs, topicArn, queue } = await subscribedQueue({ RawMessageDelivery: 'true' });

    const result = await sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, Message: `m${i}` })),
      }),
    );
    const messages = await receiveAll(sqs, queue.url, 10);

    expect(result.Successful?.map((s) => s.Id)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(result.Failed ?? []).toEqual([]);
    expect(messages.map((m) => m.Body).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  });

  it('refuses an empty batch, more than ten entries, repeated or bad ids, and more than 256 KiB', async () => {
    const { sns, topicArn } = await subscribedQueue();
    const batch = (entries: { Id: string; Message: string }[]) =>
      snsFailure(
        sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries })),
      );

    expect(await batch([])).toMatchObject({ name: 'EmptyBatchRequestException', status: 400 });
    expect(await batch(Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, Message: 'm' })))).toMatchObject({
      name: 'TooManyEntriesInBatchRequestException',
    });
    expect(
      await batch([
        { Id: 'same', Message: 'a' },
        { Id: 'same', Message: 'b' },
      ]),
    ).toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    expect(await batch([{ Id: 'bad id', Message: 'a' }])).toMatchObject({
      name: 'InvalidBatchEntryIdException',
    });
    expect(
      await batch([
        { Id: 'a', Message: 'x'.repeat(200_000) },
        { Id: 'b', Message: 'x'.repeat(100_000) },
      ]),
    ).toMatchObject({ name: 'BatchRequestTooLongException', status: 400 });
  });
});

describe('a topic with no subscriptions', () => {
  it('accepts a publish and delivers it nowhere', async () => {
    const { sns, sqs } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('empty') }));
    const bystander = await createQueueWithArn(sqs, uniqueName('q'));

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: 'to nobody' }));

    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await receiveFor(sqs, bystander.url, 1_000)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalNotification, queueMessageFor } from '../../lambda/topics/envelope.js';
import { deliveryMessageId } from '../../lambda/topics/fan-out.js';
import { createSigningMaterial } from '../../lambda/topics/signing.js';
import type { Notification, SubscriptionRecord } from '../../lambda/topics/types.js';

const scope = { accountId: '000000000000', region: 'us-east-1' };
const signing = createSigningMaterial();
const subscription: SubscriptionRecord = {
  topicName: 'orders',
  topicId: 'topic-id',
  id: '11111111-2222-3333-4444-555555555555',
  protocol: 'sqs',
  endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
  attributes: {},
  createdMs: 0,
};
const notification: Notification = {
  messageId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  timestampMs: Date.UTC(2026, 11, 7, 10, 0, 0, 5),
  message: 'hello',
  messageAttributes: {},
  serviceUrl: 'http://localhost:9324',
};

describe('canonicalNotification', () => {
  it('lists the signed fields in SNS order, each as name, newline, value, newline; Subject only when present', () => {
    const fields = { Message: 'm', MessageId: 'id', Timestamp: 't', TopicArn: 'arn', Type: 'Notification' };

    expect(canonicalNotification(fields)).toBe(
      'Message\nm\nMessageId\nid\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n',
    );
    expect(canonicalNotification({ ...fields, Subject: 's' })).toBe(
      'Message\nm\nMessageId\nid\nSubject\ns\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n',
    );
  });
});

describe('queueMessageFor', () => {
  it('lays the envelope out as SNS does, with a millisecond timestamp', () => {
    const { body } = queueMessageFor(notification, subscription, {
      scope,
      fifoTopic: false,
      signatureVersion: '1',
      signing,
    });

    const lines = body.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "Type" : "Notification",');
    expect(lines[3]).toBe('  "TopicArn" : "arn:aws:sns:us-east-1:000000000000:orders",');
    expect(JSON.parse(body).Timestamp).toBe('2026-12-07T10:00:00.005Z');
    expect(JSON.parse(body).SigningCertURL).toBe(
      `http://localhost:9324/sns/SimpleNotificationService-${signing.id}.pem`,
    );
  });

  it('leaves the signature out for FIFO topics and puts the sequence number after the MessageId', () => {
    const { body } = queueMessageFor(
      { ...notification, sequenceNumber: '10000000000000000001', messageGroupId: 'g' },
      subscription,
      { scope, fifoTopic: true, signatureVersion: '1', signing },
    );

    expect(Object.keys(JSON.parse(body))).toEqual([
      'Type',
      'MessageId',
      'SequenceNumber',
      'TopicArn',
      'Message',
      'Timestamp',
      'UnsubscribeURL',
    ]);
  });

  it('passes the message and its attributes through with RawMessageDelivery', () => {
    const attributes = { a: { dataType: 'String', stringValue: 'v' } };

    const raw = queueMessageFor(
      { ...notification, messageAttributes: attributes },
      { ...subscription, attributes: { RawMessageDelivery: 'true' } },
      { scope, fifoTopic: false, signatureVersion: '2', signing },
    );

    expect(raw).toEqual({ body: 'hello', messageAttributes: attributes });
  });
});

describe('deliveryMessageId', () => {
  it('is the same UUID-shaped id for the same publish and subscription, and differs otherwise', () => {
    const id = deliveryMessageId('publish-1', 'sub-1', 'delivery');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryMessageId('publish-1', 'sub-1', 'delivery')).toBe(id);
    expect(deliveryMessageId('publish-1', 'sub-2', 'delivery')).not.toBe(id);
    expect(deliveryMessageId('publish-1', 'sub-1', 'dead-letter')).not.toBe(id);
  });
});

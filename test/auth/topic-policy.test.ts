import { describe, expect, it } from 'vitest';
import { PolicyError, parseAllow, parsePolicy } from '../../lambda/auth/policy.js';
import { isTopicActionAllowed, snsPermissionFor } from '../../lambda/auth/topic-policy.js';

describe('SNS permissions in key policies', () => {
  it('reads --allow with an sns: action and topic patterns', () => {
    expect(parseAllow('sns:Publish:orders-*')).toEqual({ actions: ['sns:Publish'], queues: ['orders-*'] });
    expect(parseAllow('sns:Get*,sns:Subscribe:*')).toEqual({
      actions: ['sns:Get*', 'sns:Subscribe'],
      queues: ['*'],
    });
  });

  it('refuses SNS actions that do not exist, and PublishBatch (allowed by sns:Publish)', () => {
    expect(() => parseAllow('sns:Dance:*')).toThrow(PolicyError);
    expect(() => parseAllow('sns:PublishBatch:*')).toThrow(/allowed by 'sns:Publish'/);
    expect(() => parsePolicy([{ actions: ['sns:Publish'], queues: ['orders-*'] }])).not.toThrow();
  });

  it('grants SNS permissions only through * or an sns: pattern', () => {
    const publish = snsPermissionFor('PublishBatch');
    const policy = [
      { actions: ['SendMessage', 'sqs:*'], queues: ['*'] },
      { actions: ['sns:Pub*'], queues: ['orders-*'] },
    ];

    expect(publish).toBe('Publish');
    expect(isTopicActionAllowed(policy, 'Publish', 'orders-eu')).toBe(true);
    expect(isTopicActionAllowed(policy, 'Publish', 'billing')).toBe(false);
    expect(isTopicActionAllowed(policy, 'CreateTopic', 'orders-eu')).toBe(false);
    expect(isTopicActionAllowed([{ actions: ['*'], queues: ['*'] }], 'ListTopics', undefined)).toBe(true);
    expect(isTopicActionAllowed(policy, 'ListTopics', undefined)).toBe(false);
  });
});

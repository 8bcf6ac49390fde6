import { describe, expect, it } from 'vitest';
import { consoleQueues, isAllowed, PolicyError, parseAllow, parsePolicy } from '../../lambda/auth/policy.js';

describe('console permissions in key policies', () => {
  it('reads console:Read and console:Write from --allow, with queue patterns after the last colon', () => {
    expect(parseAllow('console:Read:*')).toEqual({ actions: ['console:Read'], queues: ['*'] });
    expect(parseAllow('console:Read,console:Write:orders-*')).toEqual({
      actions: ['console:Read', 'console:Write'],
      queues: ['orders-*'],
    });
  });

  it('refuses console actions that do not exist', () => {
    expect(() => parseAllow('console:Peek:*')).toThrow(PolicyError);
    expect(() => parsePolicy([{ actions: ['console:Re-ad'], queues: ['*'] }])).toThrow(PolicyError);
  });

  it('grants console permissions by their name, console:* or *, case-insensitively', () => {
    expect(consoleQueues([{ actions: ['console:read'], queues: ['*'] }], 'console:Read')).toBe('all');
    expect(consoleQueues([{ actions: ['console:*'], queues: ['*'] }], 'console:Write')).toBe('all');
    expect(consoleQueues([{ actions: ['*'], queues: ['*'] }], 'console:Write')).toBe('all');
    expect(consoleQueues([{ actions: ['console:Read'], queues: ['*'] }], 'console:Write')).toBeUndefined();
  });

  it('is not granted by SQS actions, and grants no SQS action', () => {
    expect(consoleQueues([{ actions: ['sqs:*'], queues: ['*'] }], 'console:Read')).toBeUndefined();
    expect(
      consoleQueues([{ actions: ['Get*', 'ReceiveMessage'], queues: ['*'] }], 'console:Read'),
    ).toBeUndefined();
    expect(isAllowed([{ actions: ['console:*'], queues: ['*'] }], 'ReceiveMessage', 'orders')).toBe(false);
  });

  it('applies queue patterns to console permissions', () => {
    const queues = consoleQueues(
      [{ actions: ['console:Read'], queues: ['orders-*', '*-dlq'] }],
      'console:Read',
    );

    expect(typeof queues).toBe('function');
    const allows = queues as (name: string) => boolean;
    expect(['orders-eu', 'payments-dlq', 'payments'].map(allows)).toEqual([true, true, false]);
  });
});

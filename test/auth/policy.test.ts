import { describe, expect, it } from 'vitest';
import {
  type AccessPolicy,
  FULL_ACCESS,
  formatStatement,
  isAllowed,
  listableQueues,
  PolicyError,
  parseAllow,
  parsePolicy,
  permissionFor,
} from '../../lambda/auth/policy.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('permissionFor', () => {
  it('maps each action to its IAM permission, batch actions to their single action', () => {
    expect(permissionFor('SendMessage')).toBe('SendMessage');
    expect(permissionFor('sendmessage')).toBe('SendMessage');
    expect(permissionFor('SendMessageBatch')).toBe('SendMessage');
    expect(permissionFor('DeleteMessageBatch')).toBe('DeleteMessage');
    expect(permissionFor('ChangeMessageVisibilityBatch')).toBe('ChangeMessageVisibility');
    expect(permissionFor('Nope')).toBeUndefined();
  });
});

describe('isAllowed', () => {
  const producer: AccessPolicy = [
    { actions: ['SendMessage', 'sqs:GetQueueUrl'], queues: ['orders', 'orders-*'] },
    { actions: ['sqs:Get*'], queues: ['*-dlq'] },
  ];

  it('allows a named action on a queue a pattern matches', () => {
    expect(isAllowed(producer, 'SendMessage', 'orders')).toBe(true);
    expect(isAllowed(producer, 'SendMessage', 'orders-eu')).toBe(true);
    expect(isAllowed(producer, 'GetQueueUrl', 'orders')).toBe(true);
  });

  it('refuses an action no statement names, and a queue no pattern matches', () => {
    expect(isAllowed(producer, 'ReceiveMessage', 'orders')).toBe(false);
    expect(isAllowed(producer, 'SendMessage', 'payments')).toBe(false);
    expect(isAllowed(producer, 'SendMessage', 'ordersx')).toBe(false);
  });

  it('matches action names case-insensitively and queue names case-sensitively', () => {
    expect(isAllowed([{ actions: ['SQS:sendMESSAGE'], queues: ['orders'] }], 'SendMessage', 'orders')).toBe(
      true,
    );
    expect(isAllowed(producer, 'SendMessage', 'Orders')).toBe(false);
  });

  it('takes a trailing * in an action as a prefix', () => {
    expect(isAllowed(producer, 'GetQueueAttributes', 'work-dlq')).toBe(true);
    expect(isAllowed(producer, 'GetQueueUrl', 'work-dlq')).toBe(true);
    expect(isAllowed(producer, 'SendMessage', 'work-dlq')).toBe(false);
  });

  it('matches * anywhere in a queue pattern', () => {
    const policy: AccessPolicy = [{ actions: ['*'], queues: ['a*b*c'] }];

    expect(isAllowed(policy, 'PurgeQueue', 'abc')).toBe(true);
    expect(isAllowed(policy, 'PurgeQueue', 'a-b-c')).toBe(true);
    expect(isAllowed(policy, 'PurgeQueue', 'a-c-b')).toBe(false);
    expect(isAllowed(policy, 'PurgeQueue', 'ab')).toBe(false);
  });

  it('allows a request that names no readable queue only through a * pattern', () => {
    expect(isAllowed(producer, 'SendMessage', undefined)).toBe(false);
    expect(isAllowed(FULL_ACCESS, 'SendMessage', undefined)).toBe(true);
  });
});

describe('listableQueues', () => {
  it('is undefined without a statement naming ListQueues, whatever else is allowed', () => {
    expect(listableQueues([{ actions: ['SendMessage'], queues: ['*'] }])).toBeUndefined();
  });

  it('lists everything for a * pattern', () => {
    expect(listableQueues([{ actions: ['List*'], queues: ['*'] }])).toBe('all');
  });

  it('lists the queues the ListQueues statements match', () => {
    const listable = listableQueues([
      { actions: ['ListQueues'], queues: ['orders-*'] },
      { actions: ['SendMessage'], queues: ['payments'] },
    ]);

    expect(typeof listable).toBe('function');
    if (typeof listable !== 'function') return;
    expect(['orders-1', 'payments', 'orders'].filter(listable)).toEqual(['orders-1']);
  });
});

describe('parseAllow', () => {
  it('reads actions and queue patterns around the last colon', () => {
    expect(parseAllow('SendMessage, ReceiveMessage:orders,orders-*')).toEqual({
      actions: ['SendMessage', 'ReceiveMessage'],
      queues: ['orders', 'orders-*'],
    });
    expect(parseAllow('sqs:SendMessage:orders')).toEqual({
      actions: ['sqs:SendMessage'],
      queues: ['orders'],
    });
    expect(parseAllow('*:*')).toEqual({ actions: ['*'], queues: ['*'] });
  });

  it('round-trips through formatStatement', () => {
    expect(formatStatement(parseAllow('SendMessage,Get*:orders-*'))).toBe('SendMessage,Get*:orders-*');
  });

  it('refuses a statement without a colon, actions or queues', () => {
    expect(problemsOf(() => parseAllow('SendMessage'))[0]).toContain("must be '<actions>:<queue patterns>'");
    expect(problemsOf(() => parseAllow(':orders'))).toEqual([
      "--allow ':orders' names no action before the last ':'",
    ]);
    expect(problemsOf(() => parseAllow('SendMessage:'))).toEqual([
      "--allow 'SendMessage:' names no queue pattern after the last ':'",
    ]);
  });

  it('refuses unknown actions, batch actions and bad queue patterns, naming each', () => {
    const problems = problemsOf(() => parseAllow('SendMesage,SendMessageBatch,Foo*:orders,bad name'));

    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain("action 'SendMesage' matches no SQS action");
    expect(problems[1]).toContain("SendMessageBatch is allowed by 'SendMessage'");
    expect(problems[2]).toContain("action 'Foo*' matches no SQS action");
    expect(problems[3]).toContain("queue pattern 'bad name' must be");
  });
});

describe('parsePolicy', () => {
  it('accepts statements of actions and queues', () => {
    const policy = [{ actions: ['SendMessage'], queues: ['orders'] }];

    expect(parsePolicy(policy)).toEqual(policy);
  });

  it('lists every problem with where it is', () => {
    const problems = problemsOf(() =>
      parsePolicy(
        [
          { actions: [], queues: ['orders'] },
          { actions: ['SendMessage'], queue: ['x'] },
        ],
        'keys[0].policy',
      ),
    );

    expect(problems).toEqual([
      'keys[0].policy[0].actions must be a non-empty array of strings',
      "keys[0].policy[1] has an unknown field 'queue'",
      'keys[0].policy[1].queues must be a non-empty array of strings',
    ]);
  });

  it('refuses anything but a non-empty array', () => {
    expect(problemsOf(() => parsePolicy({ actions: ['*'], queues: ['*'] }))).toHaveLength(1);
    expect(problemsOf(() => parsePolicy([]))).toHaveLength(1);
  });
});

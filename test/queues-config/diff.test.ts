import { describe, expect, it } from 'vitest';
import { diffQueue, isUnchanged } from '../../lambda/queues-config/diff.js';
import { parseQueueDeclaration } from '../../lambda/queues-config/parse.js';

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

describe('diffQueue', () => {
  it('creates a missing queue with its attributes, redrive policy and tags', () => {
    const queue = parseQueueDeclaration({
      name: 'orders',
      attributes: { VisibilityTimeout: 60 },
      tags: { team: 'shop' },
      deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 },
    });

    expect(diffQueue(queue, undefined, arnOf)).toEqual({
      queueName: 'orders',
      create: true,
      attributes: {
        VisibilityTimeout: '60',
        RedrivePolicy:
          '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq","maxReceiveCount":5}',
      },
      addedTags: { team: 'shop' },
      changedTags: {},
      removedTagKeys: [],
    });
  });

  it('sets only the attributes that differ and leaves out those the declaration does not name', () => {
    const queue = parseQueueDeclaration({
      name: 'orders',
      attributes: { VisibilityTimeout: 60, DelaySeconds: 0 },
    });
    const existing = {
      attributes: { VisibilityTimeout: '30', DelaySeconds: '0', MessageRetentionPeriod: '60' },
      tags: {},
    };

    const change = diffQueue(queue, existing, arnOf);

    expect(change.create).toBe(false);
    expect(change.attributes).toEqual({ VisibilityTimeout: '60' });
  });

  it('adds, changes and removes tags to match a declaration that lists tags', () => {
    const queue = parseQueueDeclaration({ name: 'orders', tags: { team: 'shop', env: 'prod' } });
    const existing = { attributes: {}, tags: { env: 'dev', owner: 'me' } };

    const change = diffQueue(queue, existing, arnOf);

    expect(change.addedTags).toEqual({ team: 'shop' });
    expect(change.changedTags).toEqual({ env: 'prod' });
    expect(change.removedTagKeys).toEqual(['owner']);
  });

  it('leaves tags alone when the declaration lists none', () => {
    const queue = parseQueueDeclaration({ name: 'orders' });

    const change = diffQueue(queue, { attributes: {}, tags: { owner: 'me' } }, arnOf);

    expect(isUnchanged(change)).toBe(true);
  });

  it('compares JSON attributes by content and maxReceiveCount as a number', () => {
    const queue = parseQueueDeclaration({
      name: 'orders',
      attributes: { Policy: { Version: '2012-10-17', Statement: [] } },
      deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 },
    });
    const existing = {
      attributes: {
        Policy: '{ "Statement": [], "Version": "2012-10-17" }',
        RedrivePolicy: `{"maxReceiveCount":"5","deadLetterTargetArn":"${arnOf('orders-dlq')}"}`,
      },
      tags: {},
    };

    expect(isUnchanged(diffQueue(queue, existing, arnOf))).toBe(true);
  });

  it('sets a redrive policy whose target or count differs', () => {
    const queue = parseQueueDeclaration({
      name: 'orders',
      deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 },
    });
    const existing = {
      attributes: { RedrivePolicy: `{"deadLetterTargetArn":"${arnOf('orders-dlq')}","maxReceiveCount":4}` },
      tags: {},
    };

    expect(Object.keys(diffQueue(queue, existing, arnOf).attributes)).toEqual(['RedrivePolicy']);
  });

  it('never sets FifoQueue on an existing FIFO queue', () => {
    const queue = parseQueueDeclaration({
      name: 'orders.fifo',
      attributes: { ContentBasedDeduplication: true },
    });
    const existing = { attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' }, tags: {} };

    expect(isUnchanged(diffQueue(queue, existing, arnOf))).toBe(true);
  });

  it('refuses to change the type of an existing queue', () => {
    const queue = parseQueueDeclaration({ name: 'orders.fifo' });

    expect(() => diffQueue(queue, { attributes: {}, tags: {} }, arnOf)).toThrow(
      "queue 'orders.fifo': attributes.FifoQueue is true, but the existing queue is a Standard queue; " +
        "SQS cannot change a queue's type (delete the queue, or declare another name)",
    );
  });
});

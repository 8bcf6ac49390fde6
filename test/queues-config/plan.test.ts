import { describe, expect, it } from 'vitest';
import { parseQueuesConfig } from '../../lambda/queues-config/parse.js';
import { planQueues } from '../../lambda/queues-config/plan.js';

/** The plan's queue names for a file with these queue declarations. */
function order(queues: unknown[]): string[] {
  return planQueues(parseQueuesConfig({ queues })).queues.map((queue) => queue.name);
}

function dlq(name: string) {
  return { name, maxReceiveCount: 3 };
}

describe('planQueues', () => {
  it('keeps file order when no queue names a dead-letter queue', () => {
    expect(order([{ name: 'b' }, { name: 'a' }, { name: 'c' }])).toEqual(['b', 'a', 'c']);
  });

  it('puts each dead-letter queue before the queues that name it', () => {
    expect(
      order([
        { name: 'orders', deadLetterQueue: dlq('orders-dlq') },
        { name: 'payments', deadLetterQueue: dlq('orders-dlq') },
        { name: 'orders-dlq' },
      ]),
    ).toEqual(['orders-dlq', 'orders', 'payments']);
  });

  it('orders a chain of dead-letter queues from its end', () => {
    expect(
      order([
        { name: 'a', deadLetterQueue: dlq('b') },
        { name: 'b', deadLetterQueue: dlq('c') },
        { name: 'c' },
        { name: 'd', deadLetterQueue: dlq('b') },
      ]),
    ).toEqual(['c', 'b', 'a', 'd']);
  });

  it('rejects a dead-letter queue the file does not declare', () => {
    expect(() => order([{ name: 'orders', deadLetterQueue: dlq('orders-dlq') }])).toThrow(
      "queue 'orders': deadLetterQueue.name names 'orders-dlq', which this file does not declare; " +
        'declare it too (a bare { "name": "orders-dlq" } leaves an existing queue as it is)',
    );
  });

  it('rejects a dead-letter queue of the other type', () => {
    expect(() =>
      order([
        { name: 'orders.fifo', deadLetterQueue: dlq('dlq') },
        { name: 'dlq' },
        { name: 'jobs', deadLetterQueue: dlq('dlq.fifo') },
        { name: 'dlq.fifo' },
      ]),
    ).toThrow(
      [
        "queue 'orders.fifo': deadLetterQueue.name names the Standard queue 'dlq'; a FIFO queue's dead-letter queue must be a FIFO queue",
        "queue 'jobs': deadLetterQueue.name names the FIFO queue 'dlq.fifo'; a Standard queue's dead-letter queue must be a Standard queue",
      ].join('\n'),
    );
  });

  it('rejects a dead-letter queue whose declared RedriveAllowPolicy refuses the queue', () => {
    const allow = (policy: object) => ({ RedriveAllowPolicy: policy });

    expect(() =>
      order([
        { name: 'a', deadLetterQueue: dlq('closed') },
        { name: 'closed', attributes: allow({ redrivePermission: 'denyAll' }) },
        { name: 'b', deadLetterQueue: dlq('listed') },
        { name: 'c', deadLetterQueue: dlq('listed') },
        {
          name: 'listed',
          attributes: allow({
            redrivePermission: 'byQueue',
            sourceQueueArns: ['arn:aws:sqs:us-east-1:000000000000:b'],
          }),
        },
      ]),
    ).toThrow(
      [
        "queue 'a': deadLetterQueue.name names 'closed', whose RedriveAllowPolicy lets no queue use it (denyAll)",
        "queue 'c': deadLetterQueue.name names 'listed', whose RedriveAllowPolicy (byQueue) does not list this queue's ARN in sourceQueueArns",
      ].join('\n'),
    );
  });

  it('rejects a cycle of dead-letter queues, and a queue that is its own', () => {
    expect(() =>
      order([
        { name: 'a', deadLetterQueue: dlq('b') },
        { name: 'b', deadLetterQueue: dlq('c') },
        { name: 'c', deadLetterQueue: dlq('b') },
        { name: 'self', deadLetterQueue: dlq('self') },
      ]),
    ).toThrow(
      [
        "queue 'b': deadLetterQueue.name makes a cycle of dead-letter queues: b -> c -> b",
        "queue 'self': deadLetterQueue.name makes a cycle of dead-letter queues: self -> self",
      ].join('\n'),
    );
  });
});

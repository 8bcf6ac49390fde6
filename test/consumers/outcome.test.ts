import { describe, expect, it } from 'vitest';
import { settleBatch } from '../../lambda/consumers/outcome.js';
import type { SqsRecord } from '../../lambda/consumers/sqs-event.js';

function record(messageId: string, group?: string): SqsRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: messageId,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '1',
      ...(group ? { MessageGroupId: group } : {}),
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

const batch = [record('a'), record('b'), record('c')];
const standard = { reportBatchItemFailures: true, fifo: false };

describe('settleBatch', () => {
  it('deletes the whole batch when the handler returns, whatever it answers, without reportBatchItemFailures', () => {
    const settled = settleBatch(
      batch,
      { kind: 'returned', payload: { batchItemFailures: [{ itemIdentifier: 'a' }] } },
      { reportBatchItemFailures: false, fifo: false },
    );

    expect(settled).toEqual({ outcome: 'success', deleteIds: ['a', 'b', 'c'], keepIds: [] });
  });

  it.each(['error', 'timeout', 'late'] as const)('keeps the whole batch after an %s', (kind) => {
    const end = kind === 'error' ? { kind: 'failed' as const, error: { message: 'boom' } } : { kind };

    const settled = settleBatch(batch, end, standard);

    expect(settled.deleteIds).toEqual([]);
    expect(settled.keepIds).toEqual(['a', 'b', 'c']);
  });

  it.each([undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }])(
    'treats %j as success',
    (payload) => {
      const settled = settleBatch(batch, { kind: 'returned', payload }, standard);

      expect(settled).toEqual({ outcome: 'success', deleteIds: ['a', 'b', 'c'], keepIds: [] });
    },
  );

  it('keeps only the listed records', () => {
    const settled = settleBatch(
      batch,
      { kind: 'returned', payload: { batchItemFailures: [{ itemIdentifier: 'b' }] } },
      standard,
    );

    expect(settled).toEqual({ outcome: 'partial', deleteIds: ['a', 'c'], keepIds: ['b'] });
  });

  it.each([
    ['a string', 'ok'],
    ['a number', 42],
    ['a list', []],
    ['a list that is not a list', { batchItemFailures: 'b' }],
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: 'b' }] }],
    ['an entry that is not an object', { batchItemFailures: ['b'] }],
  ])('fails the whole batch for %s', (_what, payload) => {
    const settled = settleBatch(batch, { kind: 'returned', payload }, standard);

    expect(settled.outcome).toBe('invalid-response');
    expect(settled.keepIds).toEqual(['a', 'b', 'c']);
    expect(settled.invalidResponse).toMatch(/./);
  });

  it('keeps a FIFO failure and every later record of its group, and deletes the other groups', () => {
    const fifoBatch = [
      record('g1-1', 'g1'),
      record('g2-1', 'g2'),
      record('g1-2', 'g1'),
      record('g1-3', 'g1'),
      record('g2-2', 'g2'),
    ];

    const settled = settleBatch(
      fifoBatch,
      { kind: 'returned', payload: { batchItemFailures: [{ itemIdentifier: 'g1-2' }] } },
      { reportBatchItemFailures: true, fifo: true },
    );

    expect(settled).toEqual({
      outcome: 'partial',
      deleteIds: ['g1-1', 'g2-1', 'g2-2'],
      keepIds: ['g1-2', 'g1-3'],
    });
  });
});

import { describe, expect, it } from 'vitest';
import { findDeadLetterSources } from '../../lambda/engine/dead-letter-sources.js';
import type { QueueRecord, QueueRecordPage, Store } from '../../lambda/storage/store.js';

function record(name: string, deadLetterQueueName?: string): QueueRecord {
  const attributes: Record<string, string> = deadLetterQueueName
    ? {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:us-east-1:123456789012:${deadLetterQueueName}`,
          maxReceiveCount: 3,
        }),
      }
    : {};
  return { name, id: name, attributes, tags: {}, createdMs: 0, modifiedMs: 0, epoch: 0, shards: 1 };
}

/** A store whose queue records come two to a page, whatever the limit, as DynamoDB's 1 MB pages may. */
function storeOf(records: readonly QueueRecord[]): Store {
  const listQueueRecords = async (options: { afterName?: string }): Promise<QueueRecordPage> => {
    const start =
      options.afterName === undefined ? 0 : records.findIndex((r) => r.name === options.afterName) + 1;
    const page = records.slice(start, start + 2);
    const more = start + 2 < records.length;
    return { records: page, ...(more ? { lastName: page[page.length - 1]?.name } : {}) };
  };
  return { listQueueRecords } as unknown as Store;
}

const RECORDS = [
  record('a', 'dlq'),
  record('b'),
  record('c', 'other'),
  record('d', 'dlq'),
  record('dlq'),
  record('e', 'dlq'),
];

describe('findDeadLetterSources', () => {
  it('follows storage pages to the end and keeps only the queue’s sources', async () => {
    expect(await findDeadLetterSources(storeOf(RECORDS), 'dlq', { limit: 1000 })).toEqual({
      names: ['a', 'd', 'e'],
      more: false,
    });
  });

  it('says there is more only when another source follows a full page', async () => {
    const store = storeOf(RECORDS);

    expect(await findDeadLetterSources(store, 'dlq', { limit: 2 })).toEqual({
      names: ['a', 'd'],
      more: true,
    });
    expect(await findDeadLetterSources(store, 'dlq', { limit: 3 })).toEqual({
      names: ['a', 'd', 'e'],
      more: false,
    });
  });

  it('starts after the given name', async () => {
    expect(await findDeadLetterSources(storeOf(RECORDS), 'dlq', { limit: 2, afterName: 'd' })).toEqual({
      names: ['e'],
      more: false,
    });
  });
});

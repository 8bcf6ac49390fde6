import { MAX_BATCH_ENTRIES } from '../engine/limits.js';
import type { SqsEngine } from '../engine/types.js';
import type { SqsRecord } from './sqs-event.js';

/**
 * Deletes records by their receipt handles, 10 to a DeleteMessageBatch. A failed entry or call is reported
 * and its records are left: they come back after their visibility timeout (at least once, as on AWS).
 */
export async function deleteRecords(
  engine: SqsEngine,
  queueName: string,
  records: readonly SqsRecord[],
  onError: (error: unknown) => void,
): Promise<{ deleted: number; failedIds: string[] }> {
  let deleted = 0;
  const failedIds: string[] = [];
  for (let start = 0; start < records.length; start += MAX_BATCH_ENTRIES) {
    const chunk = records.slice(start, start + MAX_BATCH_ENTRIES);
    try {
      const result = await engine.deleteMessageBatch({
        queueName,
        entries: chunk.map((record, index) => ({ id: String(index), receiptHandle: record.receiptHandle })),
      });
      deleted += result.successful.length;
      for (const failure of result.failed) {
        const record = chunk[Number(failure.id)];
        if (record) failedIds.push(record.messageId);
      }
      if (result.failed.length > 0) {
        const first = result.failed[0];
        onError(
          new Error(
            `DeleteMessageBatch left ${result.failed.length} records: ${first?.code} ${first?.message}`,
          ),
        );
      }
    } catch (error) {
      failedIds.push(...chunk.map((record) => record.messageId));
      onError(error);
    }
  }
  return { deleted, failedIds };
}

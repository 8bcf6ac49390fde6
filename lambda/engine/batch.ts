import { SqsError } from './errors.js';
import { MAX_BATCH_ENTRIES, MAX_BATCH_ENTRY_ID_LENGTH } from './limits.js';
import type { BatchEntry, BatchResultErrorEntry } from './types.js';

const ENTRY_ID = /^[A-Za-z0-9_-]+$/;

/** The request-level checks every batch action shares; entry-level problems become failed entries instead. */
export function validateBatch(entries: readonly BatchEntry[], entryName: string): void {
  if (entries.length === 0) {
    throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const { id } of entries) {
    if (
      typeof id !== 'string' ||
      id.length === 0 ||
      id.length > MAX_BATCH_ENTRY_ID_LENGTH ||
      !ENTRY_ID.test(id)
    ) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
}

/** A failed entry as SQS reports it; errors that are not SqsErrors are the service's fault. */
export function failedEntry(id: string, error: unknown): BatchResultErrorEntry {
  if (error instanceof SqsError) return { id, senderFault: true, code: error.code, message: error.message };
  return {
    id,
    senderFault: false,
    code: 'InternalError',
    message: 'The request processing has failed because of an unknown error.',
  };
}

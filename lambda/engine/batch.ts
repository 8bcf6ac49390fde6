import { echoed, SqsError } from './errors.js';
import { checkField } from './field-rules.js';
import { MAX_BATCH_ENTRIES } from './limits.js';
import type { BatchEntry, BatchResultErrorEntry } from './types.js';

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
    checkField('batchEntryId', `${entryName}.Id`, id);
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${echoed(id)} repeated.`);
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

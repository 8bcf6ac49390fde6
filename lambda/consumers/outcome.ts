import type { InvocationOutcome, InvokeResult } from './ports.js';
import type { SqsRecord } from './sqs-event.js';

/** Which records of a batch to delete and which to leave for their visibility timeout. */
export interface BatchSettlement {
  readonly outcome: InvocationOutcome;
  /** Message ids to delete, in batch order. */
  readonly deleteIds: readonly string[];
  /** Message ids left in the queue, in batch order. */
  readonly keepIds: readonly string[];
  /** For `invalid-response`: what was wrong. @default - absent */
  readonly invalidResponse?: string;
}

/** What the dispatcher knows about an invocation when it settles the batch. */
export type InvocationEnd = InvokeResult | { readonly kind: 'timeout' } | { readonly kind: 'late' };

/**
 * Lambda's rules for an SQS batch after an invocation:
 * - returned: the batch is deleted, unless `reportBatchItemFailures` is on and the answer lists failures, in
 *   which case only those stay. A null or empty answer, or an empty or null list, is success. An answer that is
 *   not an object, a list that is not a list, or an entry whose `itemIdentifier` is missing, empty or not a
 *   message id of the batch fails the whole batch.
 * - failed, timed out, or answered after the visibility timeout: nothing is deleted.
 * - FIFO: a record that stays keeps every later record of its message group in the batch too, so a group
 *   is never deleted past a failure and its order holds.
 */
export function settleBatch(
  records: readonly SqsRecord[],
  end: InvocationEnd,
  options: { readonly reportBatchItemFailures: boolean; readonly fifo: boolean },
): BatchSettlement {
  const all = records.map((record) => record.messageId);
  if (end.kind === 'failed') return { outcome: 'error', deleteIds: [], keepIds: all };
  if (end.kind === 'timeout' || end.kind === 'late')
    return { outcome: end.kind, deleteIds: [], keepIds: all };
  if (!options.reportBatchItemFailures) return { outcome: 'success', deleteIds: all, keepIds: [] };

  const failures = parseBatchItemFailures(end.payload, new Set(all));
  if (typeof failures === 'string') {
    return { outcome: 'invalid-response', deleteIds: [], keepIds: all, invalidResponse: failures };
  }
  if (failures.size === 0) return { outcome: 'success', deleteIds: all, keepIds: [] };

  const kept = new Set(failures);
  if (options.fifo) {
    const stoppedGroups = new Set<string>();
    for (const record of records) {
      const group = record.attributes.MessageGroupId ?? '';
      if (stoppedGroups.has(group)) kept.add(record.messageId);
      else if (kept.has(record.messageId)) stoppedGroups.add(group);
    }
  }
  return {
    outcome: 'partial',
    deleteIds: all.filter((id) => !kept.has(id)),
    keepIds: all.filter((id) => kept.has(id)),
  };
}

/** The failed message ids of an SQSBatchResponse, or what makes the answer invalid. */
function parseBatchItemFailures(payload: unknown, batchIds: ReadonlySet<string>): Set<string> | string {
  if (payload === undefined || payload === null) return new Set();
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return `the answer is not an SQSBatchResponse object (got ${describe(payload)})`;
  }
  const list = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return `batchItemFailures is not a list (got ${describe(list)})`;
  const failed = new Set<string>();
  for (const [index, entry] of list.entries()) {
    const id =
      typeof entry === 'object' && entry !== null
        ? (entry as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || id === '') {
      return `batchItemFailures[${index}] has no itemIdentifier (got ${describe(entry)})`;
    }
    if (!batchIds.has(id))
      return `batchItemFailures[${index}].itemIdentifier '${id.slice(0, 80)}' is not a messageId of the batch`;
    failed.add(id);
  }
  return failed;
}

function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

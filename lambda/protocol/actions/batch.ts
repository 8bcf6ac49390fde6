import type { BatchEntry, BatchResult, BatchResultErrorEntry } from '../../engine/types.js';
import type { ListName, WireFields } from '../fields.js';
import type { JsonObject } from '../json-fields.js';
import { element, textElement } from '../xml.js';

/**
 * The entries of a batch request. No entries at all reads as an empty list in both protocols (Query cannot tell
 * the two apart), so the engine answers `EmptyBatchRequest` as SQS does.
 */
export function decodeEntries<T>(fields: WireFields, name: ListName, decode: (entry: WireFields) => T): T[] {
  return (fields.structList(name) ?? []).map(decode);
}

/** `{ Successful: [...], Failed: [...] }`: both lists are required members, so both are always sent. */
export function batchResultToJson<T extends BatchEntry>(
  result: BatchResult<T>,
  successfulToJson: (entry: T) => JsonObject,
): JsonObject {
  return { Successful: result.successful.map(successfulToJson), Failed: result.failed.map(failedToJson) };
}

/** Flattened `<XBatchResultEntry>` elements, then `<BatchResultErrorEntry>` elements. */
export function batchResultToQuery<T extends BatchEntry>(
  result: BatchResult<T>,
  successfulEntry: string,
  successfulToQuery: (entry: T) => string,
): string {
  return (
    result.successful.map((entry) => element(successfulEntry, successfulToQuery(entry))).join('') +
    result.failed.map((entry) => element('BatchResultErrorEntry', failedToQuery(entry))).join('')
  );
}

/** A batch entry that succeeded with nothing to report but its id. */
export function idToJson(entry: BatchEntry): JsonObject {
  return { Id: entry.id };
}

/** `<Id>` of a batch entry that succeeded with nothing else to report. */
export function idToQuery(entry: BatchEntry): string {
  return textElement('Id', entry.id);
}

function failedToJson(entry: BatchResultErrorEntry): JsonObject {
  return { Id: entry.id, SenderFault: entry.senderFault, Code: entry.code, Message: entry.message };
}

function failedToQuery(entry: BatchResultErrorEntry): string {
  return (
    textElement('Id', entry.id) +
    textElement('SenderFault', String(entry.senderFault)) +
    textElement('Code', entry.code) +
    textElement('Message', entry.message)
  );
}

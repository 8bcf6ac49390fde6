import type { ChangeMessageVisibilityBatchInput, ChangeMessageVisibilityInput } from '../../engine/types.js';
import { defineAction, noJsonResult } from './action.js';
import { batchResultToJson, batchResultToQuery, decodeEntries, idToJson, idToQuery } from './batch.js';
import { decodeQueueName } from './common.js';

/** ChangeMessageVisibility. */
export const changeMessageVisibility = defineAction({
  name: 'ChangeMessageVisibility',
  decode: (fields, context): ChangeMessageVisibilityInput => ({
    queueName: decodeQueueName(fields, context),
    receiptHandle: fields.requiredString('ReceiptHandle', true),
    visibilityTimeout: fields.requiredInteger('VisibilityTimeout'),
  }),
  call: (engine, input) => engine.changeMessageVisibility(input),
  toJson: noJsonResult,
});

/**
 * ChangeMessageVisibilityBatch: `Entries` / `ChangeMessageVisibilityBatchRequestEntry.N.*`. The model leaves an
 * entry's VisibilityTimeout optional, but the engine needs one, so a missing one fails the request.
 */
export const changeMessageVisibilityBatch = defineAction({
  name: 'ChangeMessageVisibilityBatch',
  decode: (fields, context): ChangeMessageVisibilityBatchInput => ({
    queueName: decodeQueueName(fields, context),
    entries: decodeEntries(
      fields,
      { json: 'Entries', query: 'ChangeMessageVisibilityBatchRequestEntry' },
      (entry) => ({
        id: entry.requiredString('Id'),
        receiptHandle: entry.requiredString('ReceiptHandle'),
        visibilityTimeout: entry.requiredInteger('VisibilityTimeout'),
      }),
    ),
  }),
  call: (engine, input) => engine.changeMessageVisibilityBatch(input),
  toJson: (result) => batchResultToJson(result, idToJson),
  toQuery: (result) => batchResultToQuery(result, 'ChangeMessageVisibilityBatchResultEntry', idToQuery),
});

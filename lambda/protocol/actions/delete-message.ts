import type { DeleteMessageBatchInput, DeleteMessageInput } from '../../engine/types.js';
import { defineAction, noJsonResult } from './action.js';
import { batchResultToJson, batchResultToQuery, decodeEntries, idToJson, idToQuery } from './batch.js';
import { decodeQueueName } from './common.js';

/** DeleteMessage. */
export const deleteMessage = defineAction({
  name: 'DeleteMessage',
  decode: (fields, context): DeleteMessageInput => ({
    queueName: decodeQueueName(fields, context),
    receiptHandle: fields.requiredString('ReceiptHandle', true),
  }),
  call: (engine, input) => engine.deleteMessage(input),
  toJson: noJsonResult,
});

/** DeleteMessageBatch: `Entries` / `DeleteMessageBatchRequestEntry.N.*`. */
export const deleteMessageBatch = defineAction({
  name: 'DeleteMessageBatch',
  decode: (fields, context): DeleteMessageBatchInput => ({
    queueName: decodeQueueName(fields, context),
    entries: decodeEntries(fields, { json: 'Entries', query: 'DeleteMessageBatchRequestEntry' }, (entry) => ({
      id: entry.requiredString('Id'),
      receiptHandle: entry.requiredString('ReceiptHandle'),
    })),
  }),
  call: (engine, input) => engine.deleteMessageBatch(input),
  toJson: (result) => batchResultToJson(result, idToJson),
  toQuery: (result) => batchResultToQuery(result, 'DeleteMessageBatchResultEntry', idToQuery),
});

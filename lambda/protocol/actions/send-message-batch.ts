import type { SendMessageBatchInput } from '../../engine/types.js';
import { textElement } from '../xml.js';
import { defineAction } from './action.js';
import { batchResultToJson, batchResultToQuery, decodeEntries } from './batch.js';
import { decodeQueueName } from './common.js';
import { decodeMessageFields, sendResultToJson, sendResultToQuery } from './send-message.js';

/** SendMessageBatch: `Entries` / `SendMessageBatchRequestEntry.N.*`. */
export const sendMessageBatch = defineAction({
  name: 'SendMessageBatch',
  decode: (fields, context): SendMessageBatchInput => ({
    queueName: decodeQueueName(fields, context),
    entries: decodeEntries(fields, { json: 'Entries', query: 'SendMessageBatchRequestEntry' }, (entry) => ({
      id: entry.requiredString('Id'),
      ...decodeMessageFields(entry, false, context.traceHeader),
    })),
  }),
  call: (engine, input) => engine.sendMessageBatch(input),
  toJson: (result) => batchResultToJson(result, (entry) => ({ Id: entry.id, ...sendResultToJson(entry) })),
  toQuery: (result) =>
    batchResultToQuery(
      result,
      'SendMessageBatchResultEntry',
      (entry) => textElement('Id', entry.id) + sendResultToQuery(entry),
    ),
});

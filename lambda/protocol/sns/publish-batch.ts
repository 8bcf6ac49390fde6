import { SnsError } from '../../topics/errors.js';
import { MAX_PUBLISH_BYTES, publishSize } from '../../topics/publish-validation.js';
import { element, textElement } from '../xml.js';
import type { SnsAction } from './actions.js';
import { publishEntry } from './actions.js';
import { membersXml } from './wire.js';

const MAX_BATCH_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * PublishBatch: 1-10 entries with distinct ids, 256 KiB in all. An entry whose parameters are invalid fails the
 * whole request, as SNS does; an entry whose delivery failed is reported in `Failed` and may be sent again.
 */
export const publishBatch: SnsAction = async (p, { publisher, serviceUrl }) => {
  const topicArn = p.required('TopicArn');
  const entries = p.structList('PublishBatchRequestEntries');
  if (entries === undefined) throw missing();
  if (entries.length === 0)
    throw new SnsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SnsError(
      'TooManyEntriesInBatchRequest',
      'The batch request contains more entries than permissible.',
    );
  }
  const ids = entries.map((entry) => entry.required('Id'));
  for (const id of ids) {
    if (!ENTRY_ID.test(id)) {
      const shown = id.length > 80 ? `${id.slice(0, 80)}...` : id;
      throw new SnsError(
        'InvalidBatchEntryId',
        id.length > 80
          ? `The Id of a batch entry in the batch request is too long: ${shown}`
          : `The Id of a batch entry in the batch request contains an impermissible character: ${shown}`,
      );
    }
  }
  if (new Set(ids).size !== ids.length) {
    throw new SnsError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  }
  const decoded = entries.map((entry) => publishEntry(entry));
  const total = decoded.reduce(
    (sum, entry) => sum + publishSize(entry.message, entry.messageAttributes ?? {}),
    0,
  );
  if (total > MAX_PUBLISH_BYTES) {
    throw new SnsError(
      'BatchRequestTooLong',
      'The length of all the messages put together is more than the limit.',
    );
  }
  const results = await publisher.publishEntries(topicArn, decoded, serviceUrl);
  const successful: string[] = [];
  const failed: string[] = [];
  results.forEach((result, i) => {
    const id = textElement('Id', ids[i] as string);
    if (result instanceof SnsError) {
      failed.push(
        id +
          textElement('Code', result.code) +
          textElement('Message', result.message) +
          textElement(
            'SenderFault',
            String(result.code !== 'InternalError' && result.code !== 'ServiceUnavailable'),
          ),
      );
    } else {
      successful.push(
        id +
          textElement('MessageId', result.messageId) +
          (result.sequenceNumber === undefined ? '' : textElement('SequenceNumber', result.sequenceNumber)),
      );
    }
  });
  return (
    membersXml('Successful', successful) +
    (failed.length > 0 ? membersXml('Failed', failed) : element('Failed', ''))
  );
};

function missing(): SnsError {
  return new SnsError(
    'ValidationError',
    "1 validation error detected: Value null at 'publishBatchRequestEntries' failed to satisfy constraint: Member must not be null",
  );
}

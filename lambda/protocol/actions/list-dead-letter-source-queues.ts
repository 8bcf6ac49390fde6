import type { ListDeadLetterSourceQueuesInput } from '../../engine/types.js';
import { optionalTextElement, textElement } from '../xml.js';
import { defineAction } from './action.js';
import { decodeQueueName } from './common.js';

/**
 * ListDeadLetterSourceQueues: the JSON member is lower-case `queueUrls` and, being required by the model, is
 * there even when empty; Query repeats `<QueueUrl>` as ListQueues does. `NextToken` only when paging.
 */
export const listDeadLetterSourceQueues = defineAction({
  name: 'ListDeadLetterSourceQueues',
  decode: (fields, context): ListDeadLetterSourceQueuesInput => ({
    queueName: decodeQueueName(fields, context),
    maxResults: fields.integer('MaxResults'),
    nextToken: fields.string('NextToken'),
  }),
  call: (engine, input) => engine.listDeadLetterSourceQueues(input),
  toJson: ({ queueNames, nextToken }, { queueUrls }) => ({
    queueUrls: queueNames.map((name) => queueUrls.toUrl(name)),
    NextToken: nextToken,
  }),
  toQuery: ({ queueNames, nextToken }, { queueUrls }) =>
    queueNames.map((name) => textElement('QueueUrl', queueUrls.toUrl(name))).join('') +
    optionalTextElement('NextToken', nextToken),
});

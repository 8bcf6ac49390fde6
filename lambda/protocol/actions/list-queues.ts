import type { ListQueuesInput } from '../../engine/types.js';
import { optionalTextElement, textElement } from '../xml.js';
import { defineAction } from './action.js';

/** ListQueues: `QueueUrls` / flattened `<QueueUrl>` elements, and `NextToken` when paging. */
export const listQueues = defineAction({
  name: 'ListQueues',
  decode: (fields): ListQueuesInput => ({
    queueNamePrefix: fields.string('QueueNamePrefix'),
    maxResults: fields.integer('MaxResults'),
    nextToken: fields.string('NextToken'),
  }),
  call: (engine, input) => engine.listQueues(input),
  // SQS leaves out QueueUrls when there are none (boto3 users check `'QueueUrls' in response`).
  toJson: ({ queueNames, nextToken }, { queueUrls }) => ({
    QueueUrls: queueNames.length === 0 ? undefined : queueNames.map((name) => queueUrls.toUrl(name)),
    NextToken: nextToken,
  }),
  toQuery: ({ queueNames, nextToken }, { queueUrls }) =>
    queueNames.map((name) => textElement('QueueUrl', queueUrls.toUrl(name))).join('') +
    optionalTextElement('NextToken', nextToken),
});

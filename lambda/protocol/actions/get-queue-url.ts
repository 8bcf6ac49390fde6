import type { GetQueueUrlInput } from '../../engine/types.js';
import { textElement } from '../xml.js';
import { defineAction } from './action.js';

/** GetQueueUrl. */
export const getQueueUrl = defineAction({
  name: 'GetQueueUrl',
  decode: (fields): GetQueueUrlInput => ({
    queueName: fields.requiredString('QueueName'),
    queueOwnerAwsAccountId: fields.string('QueueOwnerAWSAccountId'),
  }),
  call: (engine, input) => engine.getQueueUrl(input),
  toJson: ({ queueName }, { queueUrls }) => ({ QueueUrl: queueUrls.toUrl(queueName) }),
  toQuery: ({ queueName }, { queueUrls }) => textElement('QueueUrl', queueUrls.toUrl(queueName)),
});

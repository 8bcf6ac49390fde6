import type { CreateQueueInput } from '../../engine/types.js';
import type { MapName } from '../fields.js';
import { textElement } from '../xml.js';
import { defineAction } from './action.js';
import { ATTRIBUTES, TAGS } from './common.js';

/** CreateQueue's tags member is lower-case `tags` in the model, unlike TagQueue's `Tags`. */
const CREATE_TAGS: MapName = { ...TAGS, json: 'tags' };

/** CreateQueue: answers with the new (or identical existing) queue's URL. */
export const createQueue = defineAction({
  name: 'CreateQueue',
  decode: (fields): CreateQueueInput => ({
    queueName: fields.requiredString('QueueName'),
    attributes: fields.stringMap(ATTRIBUTES),
    tags: fields.stringMap(CREATE_TAGS),
  }),
  call: (engine, input) => engine.createQueue(input),
  toJson: ({ queueName }, { queueUrls }) => ({ QueueUrl: queueUrls.toUrl(queueName) }),
  toQuery: ({ queueName }, { queueUrls }) => textElement('QueueUrl', queueUrls.toUrl(queueName)),
});

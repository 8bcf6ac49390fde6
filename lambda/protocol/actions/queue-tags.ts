import type { QueueInput, TagQueueInput, UntagQueueInput } from '../../engine/types.js';
import type { ListName } from '../fields.js';
import { defineAction, noJsonResult } from './action.js';
import { decodeQueueName, jsonMap, queryMap, required, TAGS } from './common.js';

const TAG_KEYS: ListName = { json: 'TagKeys', query: 'TagKey' };

/** TagQueue. */
export const tagQueue = defineAction({
  name: 'TagQueue',
  decode: (fields, context): TagQueueInput => ({
    queueName: decodeQueueName(fields, context),
    tags: required(fields.stringMap(TAGS), fields, TAGS),
  }),
  call: (engine, input) => engine.tagQueue(input),
  toJson: noJsonResult,
});

/** UntagQueue: `TagKeys` / `TagKey.N`. */
export const untagQueue = defineAction({
  name: 'UntagQueue',
  decode: (fields, context): UntagQueueInput => ({
    queueName: decodeQueueName(fields, context),
    tagKeys: required(fields.stringList(TAG_KEYS), fields, TAG_KEYS),
  }),
  call: (engine, input) => engine.untagQueue(input),
  toJson: noJsonResult,
});

/** ListQueueTags. */
export const listQueueTags = defineAction({
  name: 'ListQueueTags',
  decode: (fields, context): QueueInput => ({ queueName: decodeQueueName(fields, context) }),
  call: (engine, input) => engine.listQueueTags(input),
  toJson: (tags) => ({ Tags: jsonMap(tags) }),
  toQuery: (tags) => queryMap(tags, TAGS),
});

import type { GetQueueAttributesInput, SetQueueAttributesInput } from '../../engine/types.js';
import type { ListName } from '../fields.js';
import { defineAction, noJsonResult } from './action.js';
import { ATTRIBUTES, decodeQueueName, jsonMap, queryMap, required } from './common.js';

const ATTRIBUTE_NAMES: ListName = { json: 'AttributeNames', query: 'AttributeName' };

/** GetQueueAttributes: no `AttributeNames` means no attributes, as in SQS. */
export const getQueueAttributes = defineAction({
  name: 'GetQueueAttributes',
  decode: (fields, context): GetQueueAttributesInput => ({
    queueName: decodeQueueName(fields, context),
    attributeNames: fields.stringList(ATTRIBUTE_NAMES),
  }),
  call: (engine, input) => engine.getQueueAttributes(input),
  toJson: (attributes) => ({ Attributes: jsonMap(attributes) }),
  toQuery: (attributes) => queryMap(attributes, ATTRIBUTES),
});

/** SetQueueAttributes. */
export const setQueueAttributes = defineAction({
  name: 'SetQueueAttributes',
  decode: (fields, context): SetQueueAttributesInput => ({
    queueName: decodeQueueName(fields, context),
    attributes: required(fields.stringMap(ATTRIBUTES), fields, ATTRIBUTES),
  }),
  call: (engine, input) => engine.setQueueAttributes(input),
  toJson: noJsonResult,
});

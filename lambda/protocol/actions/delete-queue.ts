import type { QueueInput } from '../../engine/types.js';
import { defineAction, noJsonResult } from './action.js';
import { decodeQueueName } from './common.js';

/** DeleteQueue. */
export const deleteQueue = defineAction({
  name: 'DeleteQueue',
  decode: (fields, context): QueueInput => ({ queueName: decodeQueueName(fields, context) }),
  call: (engine, input) => engine.deleteQueue(input),
  toJson: noJsonResult,
});

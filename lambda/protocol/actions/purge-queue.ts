import type { QueueInput } from '../../engine/types.js';
import { defineAction, noJsonResult } from './action.js';
import { decodeQueueName } from './common.js';

/** PurgeQueue. */
export const purgeQueue = defineAction({
  name: 'PurgeQueue',
  decode: (fields, context): QueueInput => ({ queueName: decodeQueueName(fields, context) }),
  call: (engine, input) => engine.purgeQueue(input),
  toJson: noJsonResult,
});

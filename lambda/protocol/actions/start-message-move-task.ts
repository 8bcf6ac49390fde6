import type { StartMessageMoveTaskInput } from '../../engine/types.js';
import { textElement } from '../xml.js';
import { defineAction } from './action.js';

/** StartMessageMoveTask: `TaskHandle`. An empty `DestinationArn` counts as absent, as the console's blank field. */
export const startMessageMoveTask = defineAction({
  name: 'StartMessageMoveTask',
  decode: (fields): StartMessageMoveTaskInput => {
    const destinationArn = fields.string('DestinationArn');
    const maxNumberOfMessagesPerSecond = fields.integer('MaxNumberOfMessagesPerSecond');
    return {
      sourceArn: fields.requiredString('SourceArn'),
      ...(destinationArn ? { destinationArn } : {}),
      ...(maxNumberOfMessagesPerSecond !== undefined ? { maxNumberOfMessagesPerSecond } : {}),
    };
  },
  call: (engine, input) => engine.startMessageMoveTask(input),
  toJson: ({ taskHandle }) => ({ TaskHandle: taskHandle }),
  toQuery: ({ taskHandle }) => textElement('TaskHandle', taskHandle),
});

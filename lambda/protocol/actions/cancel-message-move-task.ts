import type { CancelMessageMoveTaskInput } from '../../engine/types.js';
import { textElement } from '../xml.js';
import { defineAction } from './action.js';

/** CancelMessageMoveTask: `ApproximateNumberOfMessagesMoved`. */
export const cancelMessageMoveTask = defineAction({
  name: 'CancelMessageMoveTask',
  decode: (fields): CancelMessageMoveTaskInput => ({ taskHandle: fields.requiredString('TaskHandle') }),
  call: (engine, input) => engine.cancelMessageMoveTask(input),
  toJson: ({ approximateNumberOfMessagesMoved }) => ({
    ApproximateNumberOfMessagesMoved: approximateNumberOfMessagesMoved,
  }),
  toQuery: ({ approximateNumberOfMessagesMoved }) =>
    textElement('ApproximateNumberOfMessagesMoved', String(approximateNumberOfMessagesMoved)),
});

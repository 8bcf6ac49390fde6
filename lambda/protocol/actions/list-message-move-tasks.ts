import type { ListMessageMoveTasksInput, MessageMoveTask } from '../../engine/types.js';
import type { JsonObject } from '../json-fields.js';
import { element, optionalTextElement, textElement } from '../xml.js';
import { defineAction } from './action.js';

/**
 * ListMessageMoveTasks: JSON `Results`, a list of entries; Query repeats `<ListMessageMoveTasksResultEntry>`.
 * Members a task does not have (TaskHandle unless RUNNING, DestinationArn, the rate, FailureReason) are left out.
 */
export const listMessageMoveTasks = defineAction({
  name: 'ListMessageMoveTasks',
  decode: (fields): ListMessageMoveTasksInput => {
    const maxResults = fields.integer('MaxResults');
    return {
      sourceArn: fields.requiredString('SourceArn'),
      ...(maxResults !== undefined ? { maxResults } : {}),
    };
  },
  call: (engine, input) => engine.listMessageMoveTasks(input),
  toJson: ({ results }) => ({ Results: results.map(taskToJson) }),
  toQuery: ({ results }) =>
    results.map((task) => element('ListMessageMoveTasksResultEntry', taskToQuery(task))).join(''),
});

function taskToJson(task: MessageMoveTask): JsonObject {
  return {
    TaskHandle: task.taskHandle,
    Status: task.status,
    SourceArn: task.sourceArn,
    DestinationArn: task.destinationArn,
    MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
    ApproximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
    ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
    FailureReason: task.failureReason,
    StartedTimestamp: task.startedTimestamp,
  };
}

/** The entry's members in the model's order. */
function taskToQuery(task: MessageMoveTask): string {
  return (
    optionalTextElement('TaskHandle', task.taskHandle) +
    textElement('Status', task.status) +
    textElement('SourceArn', task.sourceArn) +
    optionalTextElement('DestinationArn', task.destinationArn) +
    optionalTextElement('MaxNumberOfMessagesPerSecond', optionalNumber(task.maxNumberOfMessagesPerSecond)) +
    textElement('ApproximateNumberOfMessagesMoved', String(task.approximateNumberOfMessagesMoved)) +
    textElement('ApproximateNumberOfMessagesToMove', String(task.approximateNumberOfMessagesToMove)) +
    optionalTextElement('FailureReason', task.failureReason) +
    textElement('StartedTimestamp', String(task.startedTimestamp))
  );
}

function optionalNumber(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

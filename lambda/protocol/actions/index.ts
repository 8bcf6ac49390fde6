import type { Action } from './action.js';
import { cancelMessageMoveTask } from './cancel-message-move-task.js';
import { changeMessageVisibility, changeMessageVisibilityBatch } from './change-message-visibility.js';
import { createQueue } from './create-queue.js';
import { deleteMessage, deleteMessageBatch } from './delete-message.js';
import { deleteQueue } from './delete-queue.js';
import { getQueueUrl } from './get-queue-url.js';
import { listDeadLetterSourceQueues } from './list-dead-letter-source-queues.js';
import { listMessageMoveTasks } from './list-message-move-tasks.js';
import { listQueues } from './list-queues.js';
import { purgeQueue } from './purge-queue.js';
import { getQueueAttributes, setQueueAttributes } from './queue-attributes.js';
import { listQueueTags, tagQueue, untagQueue } from './queue-tags.js';
import { receiveMessage } from './receive-message.js';
import { sendMessage } from './send-message.js';
import { sendMessageBatch } from './send-message-batch.js';
import { startMessageMoveTask } from './start-message-move-task.js';
import { UNSUPPORTED_ACTION_NAMES, unsupportedAction } from './unsupported.js';

export type { Action, WireContext } from './action.js';

/** Every action the engine implements. */
export const ACTIONS: readonly Action[] = [
  cancelMessageMoveTask,
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  createQueue,
  deleteMessage,
  deleteMessageBatch,
  deleteQueue,
  getQueueAttributes,
  getQueueUrl,
  listDeadLetterSourceQueues,
  listMessageMoveTasks,
  listQueueTags,
  listQueues,
  purgeQueue,
  receiveMessage,
  sendMessage,
  sendMessageBatch,
  setQueueAttributes,
  startMessageMoveTask,
  tagQueue,
  untagQueue,
];

const BY_LOWER_CASE_NAME = new Map<string, Action>(
  [...ACTIONS, ...UNSUPPORTED_ACTION_NAMES.map(unsupportedAction)].map((action) => [
    action.name.toLowerCase(),
    action,
  ]),
);

/** The SQS action of that name, matched case-insensitively; undefined when SQS has no such action. */
export function findAction(name: string): Action | undefined {
  return BY_LOWER_CASE_NAME.get(name.toLowerCase());
}

/**
 * The engine's activity port: what happened to which queue's messages, reported after each action succeeds,
 * so an adapter can turn it into metrics. The engine never waits on it and knows nothing of where it goes.
 */
export interface QueueActivity {
  /**
   * SendMessage or SendMessageBatch added messages to the queue: one size per message, in bytes as SQS counts
   * them (body plus attribute names, types and values). A FIFO duplicate is not added, so it is not here.
   */
  messagesSent(queueName: string, sizesBytes: readonly number[]): void;
  /** One ReceiveMessage call returned `count` messages; 0 is an empty receive. */
  messagesReceived(queueName: string, count: number): void;
  /** DeleteMessage or DeleteMessageBatch deleted `count` messages (each entry that succeeded). */
  messagesDeleted(queueName: string, count: number): void;
  /** A ReceiveMessage on the source queue `queueName` moved `count` messages to its dead-letter queue. */
  messagesMovedToDeadLetterQueue(queueName: string, count: number): void;
}

/** Reports nowhere: the engine's default, and what `npm start` uses. */
export const NO_ACTIVITY: QueueActivity = {
  messagesSent: () => {},
  messagesReceived: () => {},
  messagesDeleted: () => {},
  messagesMovedToDeadLetterQueue: () => {},
};

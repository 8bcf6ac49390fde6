/**
 * The engine's activity port: what happened to which queue's messages, reported after each action succeeds,
 * so an adapter can turn it into metrics. The engine never waits on it and knows nothing of where it goes.
 */
export interface QueueActivity {
  /**
   * SendMessage or SendMessageBatch added messages to the queue: one size per message, in bytes as SQS counts
   * them (body plus attribute names, types and values). A FIFO duplicate is not added, so it is not here.
   * `visibleAtMs` holds, in the same order, when each message can first be received (later than now when
   * it was sent with a delay).
   */
  messagesSent(queueName: string, sizesBytes: readonly number[], visibleAtMs: readonly number[]): void;
  /** One ReceiveMessage call returned `count` messages; 0 is an empty receive. */
  messagesReceived(queueName: string, count: number): void;
  /** DeleteMessage or DeleteMessageBatch deleted `count` messages (each entry that succeeded). */
  messagesDeleted(queueName: string, count: number): void;
  /** A ReceiveMessage on the source queue `queueName` moved `count` messages to its dead-letter queue. */
  messagesMovedToDeadLetterQueue(queueName: string, count: number): void;
  /**
   * A message move task (a redrive, or StartMessageMoveTask with a destination) moved messages into the queue
   * `queueName`; they can be received now. One call per destination queue and step.
   */
  messagesMovedIn(queueName: string): void;
}

/** Reports nowhere: the engine's default, and what `npm start` uses. */
export const NO_ACTIVITY: QueueActivity = {
  messagesSent: () => {},
  messagesReceived: () => {},
  messagesDeleted: () => {},
  messagesMovedToDeadLetterQueue: () => {},
  messagesMovedIn: () => {},
};

/** Reports to every one of `sinks`, in order: metrics and in-process listeners side by side. */
export function combineActivity(...sinks: readonly QueueActivity[]): QueueActivity {
  return {
    messagesSent: (queueName, sizesBytes, visibleAtMs) => {
      for (const sink of sinks) sink.messagesSent(queueName, sizesBytes, visibleAtMs);
    },
    messagesReceived: (queueName, count) => {
      for (const sink of sinks) sink.messagesReceived(queueName, count);
    },
    messagesDeleted: (queueName, count) => {
      for (const sink of sinks) sink.messagesDeleted(queueName, count);
    },
    messagesMovedToDeadLetterQueue: (queueName, count) => {
      for (const sink of sinks) sink.messagesMovedToDeadLetterQueue(queueName, count);
    },
    messagesMovedIn: (queueName) => {
      for (const sink of sinks) sink.messagesMovedIn(queueName);
    },
  };
}

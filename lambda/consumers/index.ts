/**
 * Consumers: Lambda's SQS event source mapping, free of any transport. Hosts (the local server, the dispatcher
 * Lambda) supply an `Invoker` and `ConcurrencySlots` and wake a `ConsumerDispatcher` when records may wait.
 */
export { ConsumerDispatcher, type ConsumerDispatcherOptions, type DrainReport } from './dispatcher.js';
export { MemoryConcurrencySlots } from './memory-slots.js';
export { type BatchSettlement, type InvocationEnd, settleBatch } from './outcome.js';
export type {
  ConcurrencySlot,
  ConcurrencySlots,
  DispatcherListener,
  FilteredReport,
  InvocationOutcome,
  InvocationReport,
  InvokeContext,
  InvokeError,
  InvokeResult,
  Invoker,
} from './ports.js';
export * from './settings.js';
export {
  type QueueLocation,
  type SqsEvent,
  type SqsRecord,
  type SqsRecordAttributes,
  type SqsRecordMessageAttribute,
  toSqsRecord,
} from './sqs-event.js';

/**
 * The package's public entry: `import { QueueService, Queue } from 'dynamo-sqs'`. The README's examples and
 * this repository's own app import from here; anything not exported here is internal and may change.
 */

export {
  type DeadLetterQueue,
  type DeadLetterQueueAlarmProps,
  DeduplicationScope,
  FifoThroughputLimit,
  type IQueueService,
  type IServiceQueue,
  Queue,
  type QueueProps,
  type QueueReferenceProps,
  type RedriveAllowPolicy,
  RedrivePermission,
} from './queue.js';
export {
  type ConsumerErrorsAlarmProps,
  type IConsumableQueue,
  QueueEventSource,
  type QueueEventSourceProps,
} from './queue-event-source.js';
export { QueueService, type QueueServiceDomainProps, type QueueServiceProps } from './queue-service.js';
export { QueueServiceStack, type QueueServiceStackProps } from './queue-service-stack.js';
export {
  QueueSubscription,
  type QueueSubscriptionProps,
  type SubscribableQueue,
  TopicSubscription,
} from './queue-subscription.js';
export type { QueueTableProps } from './queue-table.js';
export {
  type FailedNotificationsAlarmProps,
  FifoThroughputScope,
  FilterOrPolicy,
  type ITopicReference,
  SubscriptionFilter,
  Topic,
  type TopicProps,
  type TopicReferenceProps,
  TracingConfig,
} from './topic.js';

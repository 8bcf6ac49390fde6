import { CustomResource, type Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  type MetricOptions,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { MAX_QUEUE_NAME_LENGTH } from '../lambda/engine/limits.js';
import { QUEUE_METRIC, QUEUE_NAME_DIMENSION } from '../lambda/observability/queue-metrics.js';
import type { QueueDeclaration } from '../lambda/queues-config/schema.js';
import {
  buildDeclaration,
  type IServiceQueue,
  impliesFifo,
  type QueueDeclarationProps,
  validateDeclaration,
} from './queue-declaration.js';

export { DeduplicationScope, FifoThroughputLimit, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
export type { IServiceQueue, RedriveAllowPolicy } from './queue-declaration.js';

const FIFO_SUFFIX = '.fifo';

/**
 * What a `Queue` needs of the service it lives in. A `QueueService` is one, in this stack or another; for a
 * service deployed by another app, a plain object with that stack's outputs.
 */
export interface IQueueService {
  /** The service's HTTPS endpoint, without a trailing slash: `https://sqs.example.com`. */
  readonly endpoint: string;
  /** The account id in queue URLs and ARNs. */
  readonly accountId: string;
  /** The region in queue ARNs. */
  readonly region: string;
  /** The custom resource provider that creates, updates and deletes queues. */
  readonly serviceToken: string;
  /** The CloudWatch namespace of the per-queue metrics. */
  readonly metricsNamespace: string;
  /**
   * The role the service's dispatcher invokes consumers with (`QueueEventSource` grants it
   * `lambda:InvokeFunction` on each consumer's function).
   * @default - none: the queues of this service take no `QueueEventSource`
   */
  readonly consumerDispatcherRoleArn?: string;
}

/** An alarm on the number of messages waiting in a dead-letter queue. */
export interface DeadLetterQueueAlarmProps {
  /** Visible messages in the dead-letter queue at or above which it alarms. @default 1 */
  readonly threshold?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /** @default - a name CloudFormation generates */
  readonly alarmName?: string;
  /** @default - 'Messages are waiting in the dead-letter queue <name> of <source>' */
  readonly alarmDescription?: string;
  /**
   * The background job reports the queue every minute; no data means it does not run, which the service's
   * own background alarm reports.
   * @default TreatMissingData.NOT_BREACHING
   */
  readonly treatMissingData?: TreatMissingData;
}

/** Where messages go after too many receives, as aws-sqs's `DeadLetterQueue`. */
export interface DeadLetterQueue {
  /** A queue of the same service and type (FIFO for a FIFO queue). */
  readonly queue: Queue;
  /** Receives after which a message moves to the dead-letter queue: 1 to 1,000. */
  readonly maxReceiveCount: number;
  /**
   * Alarm when messages wait in the dead-letter queue: `true` for the defaults. The alarm has no actions;
   * add them to `deadLetterQueueAlarm`.
   * @default - no alarm
   */
  readonly alarm?: true | DeadLetterQueueAlarmProps;
}

/** A queue of the service, with props mirroring aws-sqs's `QueueProps` where they apply. */
export interface QueueProps extends QueueDeclarationProps {
  /** The service that holds the queue. */
  readonly service: IQueueService;
  /**
   * The queue's name: 1 to 80 letters, digits, hyphens and underscores, ending in `.fifo` for a FIFO queue.
   * Renaming a queue replaces it: the old one is deleted (unless retained) with its messages.
   * @default - a unique name made from the construct path, with `.fifo` for a FIFO queue
   */
  readonly queueName?: string;
  /** @default false, unless queueName ends in '.fifo' or a FIFO-only prop is given */
  readonly fifo?: boolean;
  /** Deduplicate by a SHA-256 of the body (FIFO only). @default false */
  readonly contentBasedDeduplication?: boolean;
  /** @default DeduplicationScope.QUEUE (FIFO only) */
  readonly deduplicationScope?: QueueDeclarationProps['deduplicationScope'];
  /** @default FifoThroughputLimit.PER_QUEUE (FIFO only) */
  readonly fifoThroughputLimit?: QueueDeclarationProps['fifoThroughputLimit'];
  /** 0 seconds to 12 hours. @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /** 1 minute to 14 days. @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /** 0 to 15 minutes. @default Duration.seconds(0) */
  readonly deliveryDelay?: Duration;
  /** How long a receive waits for messages by default: 0 to 20 seconds. @default Duration.seconds(0) */
  readonly receiveMessageWaitTime?: Duration;
  /** 1,024 bytes to 1 MiB. @default 1048576 */
  readonly maxMessageSizeBytes?: number;
  /** @default - no dead-letter queue */
  readonly deadLetterQueue?: DeadLetterQueue;
  /** @default - any queue of the service may use this one as its dead-letter queue */
  readonly redriveAllowPolicy?: QueueDeclarationProps['redriveAllowPolicy'];
  /**
   * What happens to the queue and its messages when it leaves the stack or is renamed. As in aws-sqs, queues
   * are transient by default; `RETAIN` keeps the queue in the service.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /** The queue's tags (ListQueueTags). @default - no tags */
  readonly tags?: Record<string, string>;
}

/** A queue of another stack or app, named before it exists (e.g. as an allowed dead-letter source). */
export interface QueueReferenceProps {
  readonly service: IQueueService;
  readonly queueName: string;
}

/**
 * A queue of the service, created, updated and deleted by a custom resource that applies the same
 * declaration and validation as the local queues config file (`npm start -- --config`).
 */
export class Queue extends Construct implements IServiceQueue {
  /** A queue named by its service and name, e.g. a dead-letter source declared after its target. */
  static fromQueueName(props: QueueReferenceProps): IServiceQueue & { readonly service: IQueueService } {
    return {
      service: props.service,
      queueName: props.queueName,
      queueArn: arnOf(props.service, props.queueName),
      fifo: props.queueName.endsWith(FIFO_SUFFIX),
    };
  }

  readonly service: IQueueService;
  readonly queueName: string;
  /** `<endpoint>/<accountId>/<queueName>`, as the service's GetQueueUrl answers it. */
  readonly queueUrl: string;
  /** `arn:aws:sqs:<region>:<accountId>:<queueName>`, as the service's QueueArn attribute reads. */
  readonly queueArn: string;
  readonly fifo: boolean;
  /** @default - no dead-letter queue */
  readonly deadLetterQueue?: DeadLetterQueue;
  /** The alarm on the dead-letter queue's depth, when `deadLetterQueue.alarm` asks for one. */
  readonly deadLetterQueueAlarm?: Alarm;
  /** The custom resource that holds the queue. */
  readonly resource: CustomResource;
  /** The declaration the custom resource applies, validated. */
  readonly declaration: QueueDeclaration;

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    if (props.queueName !== undefined && Token.isUnresolved(props.queueName)) {
      // The name decides the queue type and is its physical id, so it is checked here, before deployment.
      throw new Error(
        `Queue ${this.node.path}: queueName must be a literal string, not a token resolved at deployment; leave it out for a generated name`,
      );
    }
    this.service = props.service;
    this.fifo = impliesFifo(props);
    this.queueName = props.queueName ?? this.generateName();
    this.queueArn = arnOf(this.service, this.queueName);
    this.queueUrl = `${this.service.endpoint}/${this.service.accountId}/${this.queueName}`;
    this.deadLetterQueue = props.deadLetterQueue;

    const deadLetterQueue = props.deadLetterQueue;
    if (deadLetterQueue && deadLetterQueue.queue.service !== this.service) {
      throw new Error(
        `Queue '${this.queueName}': deadLetterQueue.queue '${deadLetterQueue.queue.queueName}' belongs to another service; a dead-letter queue must be a queue of the same service`,
      );
    }
    this.declaration = validateDeclaration(
      buildDeclaration(this.queueName, props, deadLetterQueue),
      deadLetterQueue && { queue: deadLetterQueue.queue, declaration: deadLetterQueue.queue.declaration },
    );

    const { fifo: _fifo, ...fileDeclaration } = this.declaration;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.service.serviceToken,
      resourceType: 'Custom::SqsQueue',
      properties: { Queue: Stack.of(this).toJsonString(fileDeclaration) },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    if (deadLetterQueue) {
      // The RedrivePolicy names the dead-letter queue, which must exist first (and go last).
      this.resource.node.addDependency(deadLetterQueue.queue.resource);
      if (deadLetterQueue.alarm) {
        this.deadLetterQueueAlarm = this.createDeadLetterQueueAlarm(
          deadLetterQueue.queue,
          deadLetterQueue.alarm === true ? {} : deadLetterQueue.alarm,
        );
      }
    }
  }

  /** A metric of this queue from the service's namespace. @default - average over 5 minutes */
  metric(metricName: string, props?: MetricOptions): Metric {
    return new Metric({
      namespace: this.service.metricsNamespace,
      metricName,
      ...props,
      dimensionsMap: { [QUEUE_NAME_DIMENSION]: this.queueName, ...props?.dimensionsMap },
    });
  }

  /** Messages sent (SendMessage and SendMessageBatch entries). Sum over 5 minutes. */
  metricNumberOfMessagesSent(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.sent, { statistic: Stats.SUM, ...props });
  }

  /** Messages returned by ReceiveMessage. Sum over 5 minutes. */
  metricNumberOfMessagesReceived(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.received, { statistic: Stats.SUM, ...props });
  }

  /** Messages deleted. Sum over 5 minutes. */
  metricNumberOfMessagesDeleted(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.deleted, { statistic: Stats.SUM, ...props });
  }

  /** ReceiveMessage calls that returned no message. Sum over 5 minutes. */
  metricNumberOfEmptyReceives(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.emptyReceives, { statistic: Stats.SUM, ...props });
  }

  /** Size of the messages sent, in bytes. Average over 5 minutes. */
  metricSentMessageSize(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.sentMessageSize, { statistic: Stats.AVERAGE, ...props });
  }

  /** Messages moved from this queue to its dead-letter queue. Sum over 5 minutes. */
  metricNumberOfMessagesMovedToDeadLetterQueue(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.movedToDeadLetterQueue, { statistic: Stats.SUM, ...props });
  }

  /** Messages available for retrieval, reported every minute. Maximum over 5 minutes. */
  metricApproximateNumberOfMessagesVisible(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.visible, { statistic: Stats.MAXIMUM, ...props });
  }

  /** Messages received and not yet deleted or visible again, reported every minute. Maximum over 5 minutes. */
  metricApproximateNumberOfMessagesNotVisible(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.notVisible, { statistic: Stats.MAXIMUM, ...props });
  }

  /** Messages waiting out a delay, reported every minute. Maximum over 5 minutes. */
  metricApproximateNumberOfMessagesDelayed(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.delayed, { statistic: Stats.MAXIMUM, ...props });
  }

  /** Age of the oldest message, in seconds, reported every minute. Maximum over 5 minutes. */
  metricApproximateAgeOfOldestMessage(props?: MetricOptions): Metric {
    return this.metric(QUEUE_METRIC.ageOfOldestMessage, { statistic: Stats.MAXIMUM, ...props });
  }

  private createDeadLetterQueueAlarm(target: Queue, props: DeadLetterQueueAlarmProps): Alarm {
    return new Alarm(this, 'DeadLetterQueueAlarm', {
      alarmName: props.alarmName,
      alarmDescription:
        props.alarmDescription ??
        `Messages are waiting in the dead-letter queue ${target.queueName} of ${this.queueName}`,
      metric: target.metricApproximateNumberOfMessagesVisible(props.period ? { period: props.period } : {}),
      threshold: props.threshold ?? 1,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
  }

  /** As aws-sqs leaves it to CloudFormation: the construct path, unique in the app, at most 80 characters. */
  private generateName(): string {
    const suffix = this.fifo ? FIFO_SUFFIX : '';
    const base = Names.uniqueResourceName(this, {
      maxLength: MAX_QUEUE_NAME_LENGTH - suffix.length,
      separator: '-',
      allowedSpecialCharacters: '-_',
    });
    return `${base}${suffix}`;
  }
}

/** The ARN the service gives a queue; the runtime builds it the same way (queues-config/schema.ts). */
function arnOf(service: IQueueService, queueName: string): string {
  return `arn:aws:sqs:${service.region}:${service.accountId}:${queueName}`;
}

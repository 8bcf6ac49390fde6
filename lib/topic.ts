import { CustomResource, type Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  type MetricOptions,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { FifoThroughputScope, TracingConfig } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TOPIC_METRIC, TOPIC_NAME_DIMENSION } from '../lambda/observability/topic-metrics.js';
import { QueuesConfigError } from '../lambda/queues-config/schema.js';
import {
  parseTopicDeclaration,
  TOPIC_RESOURCE_TYPE,
  type TopicDeclaration,
} from '../lambda/queues-config/topics.js';
import type { IQueueService } from './queue.js';
import type { QueueSubscription, SubscribingTopic, TopicSubscription } from './queue-subscription.js';

export { FifoThroughputScope, FilterOrPolicy, SubscriptionFilter, TracingConfig } from 'aws-cdk-lib/aws-sns';

const FIFO_SUFFIX = '.fifo';
const MAX_TOPIC_NAME_LENGTH = 256;
const MAX_DISPLAY_NAME_LENGTH = 100;

/** An alarm on notifications that could not be delivered (dead-lettered or dropped). */
export interface FailedNotificationsAlarmProps {
  /** Failed notifications in a period at or above which it alarms. @default 1 */
  readonly threshold?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /** @default - a name CloudFormation generates */
  readonly alarmName?: string;
  /** @default - 'Notifications of the topic <name> could not be delivered to their queues' */
  readonly alarmDescription?: string;
  /** No data means nothing was published, which is no failure. @default TreatMissingData.NOT_BREACHING */
  readonly treatMissingData?: TreatMissingData;
}

/**
 * A topic of the service, with props mirroring aws-sns's `TopicProps` where they apply. Not here, because the
 * service does not do them: `masterKey` (DynamoDB encrypts the table), `loggingConfigs`, `enforceSSL` (the endpoint
 * is HTTPS only) and `messageRetentionPeriodInDays` (FIFO replay).
 */
export interface TopicProps {
  /** The service that holds the topic. */
  readonly service: IQueueService;
  /**
   * 1 to 256 letters, digits, hyphens and underscores; a FIFO topic's ends in `.fifo`, which is added (as aws-sns
   * adds it) when `fifo` is true. Renaming a topic replaces it, with its subscriptions.
   * @default - a unique name made from the construct path, with `.fifo` for a FIFO topic
   */
  readonly topicName?: string;
  /** Up to 100 characters. @default - none */
  readonly displayName?: string;
  /** @default false, unless topicName ends in '.fifo' */
  readonly fifo?: boolean;
  /** Deduplicate by a SHA-256 of the message (FIFO only). @default false */
  readonly contentBasedDeduplication?: boolean;
  /** How the envelope is signed: '1' (SHA1withRSA) or '2' (SHA256withRSA). @default '1' */
  readonly signatureVersion?: string;
  /** Kept as SNS keeps it; the service traces nothing. @default TracingConfig.PASS_THROUGH */
  readonly tracingConfig?: TracingConfig;
  /** Deduplication per topic or per message group (FIFO only). @default FifoThroughputScope.TOPIC */
  readonly fifoThroughputScope?: FifoThroughputScope;
  /**
   * What happens to the topic and its subscriptions when it leaves the stack or is renamed. `RETAIN` keeps them in
   * the service.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /** The topic's tags (ListTagsForResource). @default - no tags */
  readonly tags?: Record<string, string>;
  /**
   * Alarm when notifications cannot be delivered: `true` for the defaults. The alarm has no actions; add them to
   * `failedNotificationsAlarm`.
   * @default - no alarm
   */
  readonly failedNotificationsAlarm?: true | FailedNotificationsAlarmProps;
}

/** A topic of another stack or app, named to subscribe this app's queues to it. */
export interface TopicReferenceProps {
  readonly service: IQueueService;
  /** The topic's full name, with `.fifo` for a FIFO topic. */
  readonly topicName: string;
}

/** A topic named by its service and name: queues of this app can subscribe to it. */
export interface ITopicReference extends SubscribingTopic {
  addSubscription(subscription: QueueSubscription): TopicSubscription;
}

/**
 * A topic of the service, created, updated and deleted by a custom resource (`Custom::SnsTopic`) that applies the
 * same declaration and checks as the local queues config file's `topics`. Queues of the service subscribe with
 * `topic.addSubscription(new QueueSubscription(queue, { ... }))`.
 */
export class Topic extends Construct implements SubscribingTopic {
  /**
   * A topic of another stack or app, as aws-sns's `Topic.fromTopicArn` names one: `addSubscription` subscribes
   * `Queue` constructs of this app to it (the subscription is created under the queue).
   */
  static fromTopicName(props: TopicReferenceProps): ITopicReference {
    const reference: ITopicReference = {
      service: props.service,
      topicName: props.topicName,
      topicArn: `arn:aws:sns:${props.service.region}:${props.service.accountId}:${props.topicName}`,
      fifo: props.topicName.endsWith(FIFO_SUFFIX),
      addSubscription: (subscription) => subscription.bind(reference),
    };
    return reference;
  }

  readonly service: IQueueService;
  readonly topicName: string;
  /** `arn:aws:sns:<region>:<accountId>:<topicName>`, as the service's TopicArn reads. */
  readonly topicArn: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  /** The custom resource that holds the topic. */
  readonly resource: CustomResource;
  /** The declaration the custom resource applies, validated (without attributes given as tokens). */
  readonly declaration: TopicDeclaration;
  /** The alarm on failed notifications, when `failedNotificationsAlarm` asks for one or `addFailedNotificationsAlarm` made it. */
  failedNotificationsAlarm?: Alarm;

  constructor(scope: Construct, id: string, props: TopicProps) {
    super(scope, id);
    if (props.topicName !== undefined && Token.isUnresolved(props.topicName)) {
      // The name decides the topic type and is its physical id, so it is checked here, before deployment.
      throw new Error(
        `Topic ${this.node.path}: topicName must be a literal string, not a token resolved at deployment; leave it out for a generated name`,
      );
    }
    this.service = props.service;
    this.fifo = props.fifo ?? Boolean(props.topicName?.endsWith(FIFO_SUFFIX));
    this.contentBasedDeduplication = props.contentBasedDeduplication ?? false;
    this.checkProps(props);
    this.topicName = this.nameOf(props.topicName);
    this.topicArn = `arn:aws:sns:${this.service.region}:${this.service.accountId}:${this.topicName}`;

    const declaration = {
      name: this.topicName,
      ...(props.fifo === undefined ? {} : { fifo: this.fifo }),
      ...(props.displayName === undefined ? {} : { displayName: props.displayName }),
      ...(props.contentBasedDeduplication === undefined
        ? {}
        : { contentBasedDeduplication: props.contentBasedDeduplication }),
      ...(props.signatureVersion === undefined ? {} : { signatureVersion: props.signatureVersion }),
      ...(props.tracingConfig === undefined ? {} : { tracingConfig: props.tracingConfig }),
      ...(props.fifoThroughputScope === undefined ? {} : { fifoThroughputScope: props.fifoThroughputScope }),
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    };
    this.declaration = this.validate(declaration);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.service.serviceToken,
      resourceType: TOPIC_RESOURCE_TYPE,
      properties: { Topic: Stack.of(this).toJsonString(declaration) },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    if (props.failedNotificationsAlarm) {
      this.addFailedNotificationsAlarm(
        props.failedNotificationsAlarm === true ? {} : props.failedNotificationsAlarm,
      );
    }
  }

  /** Subscribes a queue of the service, as aws-sns's `addSubscription` does with an `SqsSubscription`. */
  addSubscription(subscription: QueueSubscription): TopicSubscription {
    return subscription.bind(this);
  }

  /** A metric of this topic from the service's namespace. @default - average over 5 minutes */
  metric(metricName: string, props?: MetricOptions): Metric {
    return new Metric({
      namespace: this.service.metricsNamespace,
      metricName,
      ...props,
      dimensionsMap: { [TOPIC_NAME_DIMENSION]: this.topicName, ...props?.dimensionsMap },
    });
  }

  /** Messages published (Publish and PublishBatch entries). Sum over 5 minutes. */
  metricNumberOfMessagesPublished(props?: MetricOptions): Metric {
    return this.metric(TOPIC_METRIC.published, { statistic: Stats.SUM, ...props });
  }

  /** Notifications a subscribed queue now holds, one per matching subscription. Sum over 5 minutes. */
  metricNumberOfNotificationsDelivered(props?: MetricOptions): Metric {
    return this.metric(TOPIC_METRIC.delivered, { statistic: Stats.SUM, ...props });
  }

  /** Notifications that could not be delivered (dead-lettered or dropped). Sum over 5 minutes. */
  metricNumberOfNotificationsFailed(props?: MetricOptions): Metric {
    return this.metric(TOPIC_METRIC.failed, { statistic: Stats.SUM, ...props });
  }

  /** Subscriptions whose filter policy turned a publish away. Sum over 5 minutes. */
  metricNumberOfNotificationsFilteredOut(props?: MetricOptions): Metric {
    return this.metric(TOPIC_METRIC.filteredOut, { statistic: Stats.SUM, ...props });
  }

  /** An alarm on failed notifications; one per topic, kept in `failedNotificationsAlarm`. */
  addFailedNotificationsAlarm(props: FailedNotificationsAlarmProps = {}): Alarm {
    if (this.failedNotificationsAlarm) {
      throw new Error(`Topic '${this.topicName}' has a failed-notifications alarm already`);
    }
    this.failedNotificationsAlarm = new Alarm(this, 'FailedNotificationsAlarm', {
      alarmName: props.alarmName,
      alarmDescription:
        props.alarmDescription ??
        `Notifications of the topic ${this.topicName} could not be delivered to their queues`,
      metric: this.metricNumberOfNotificationsFailed(props.period ? { period: props.period } : {}),
      threshold: props.threshold ?? 1,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    return this.failedNotificationsAlarm;
  }

  /** aws-sns's own synth checks, in its words; values given as tokens are left to the deployment. */
  private checkProps(props: TopicProps): void {
    const fail = (message: string) => new Error(`Topic ${this.node.path}: ${message}`);
    if (props.contentBasedDeduplication && !this.fifo) {
      throw fail('Content based deduplication can only be enabled for FIFO SNS topics.');
    }
    if (props.fifoThroughputScope && !this.fifo) {
      throw fail('`fifoThroughputScope` can only be set for FIFO SNS topics.');
    }
    const version = props.signatureVersion;
    if (version !== undefined && !Token.isUnresolved(version) && version !== '1' && version !== '2') {
      throw fail(`signatureVersion must be "1" or "2", received: "${version}"`);
    }
    const display = props.displayName;
    if (display !== undefined && !Token.isUnresolved(display) && display.length > MAX_DISPLAY_NAME_LENGTH) {
      throw fail(
        `displayName must be less than or equal to ${MAX_DISPLAY_NAME_LENGTH} characters, got ${display.length}`,
      );
    }
  }

  /** The service's own checks on what is known at synth: the same parser as the queues config file's. */
  private validate(declaration: Record<string, unknown>): TopicDeclaration {
    const known = Object.fromEntries(
      Object.entries(declaration).filter(([, value]) => !Token.isUnresolved(JSON.stringify(value))),
    );
    try {
      return parseTopicDeclaration(known);
    } catch (error) {
      if (!(error instanceof QueuesConfigError)) throw error;
      const lines = error.issues.map(
        (issue) =>
          `Topic ${this.node.path}: ${issue.field === 'name' ? 'topicName' : issue.field} ${issue.problem}`,
      );
      throw new Error(lines.join('\n'), { cause: error });
    }
  }

  /** As aws-sns: a FIFO topic's name gets `.fifo`; a generated name is the construct path, unique in the app. */
  private nameOf(topicName: string | undefined): string {
    const suffix = this.fifo ? FIFO_SUFFIX : '';
    if (topicName !== undefined) {
      return this.fifo && !topicName.endsWith(FIFO_SUFFIX) ? `${topicName}${FIFO_SUFFIX}` : topicName;
    }
    const base = Names.uniqueResourceName(this, {
      maxLength: MAX_TOPIC_NAME_LENGTH - suffix.length,
      separator: '-',
      allowedSpecialCharacters: '-_',
    });
    return `${base}${suffix}`;
  }
}

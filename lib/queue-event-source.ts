import { CustomResource, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Metric,
  type MetricOptions,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { type IRole, Policy, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IEventSource, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { type ConsumerSettingsInput, validateConsumerSettings } from '../lambda/consumers/settings.js';
import {
  CONSUMER_RESOURCE_TYPE,
  type ConsumerDeclaration,
  DISPATCH_MARGIN_MS,
  visibilityTimeoutProblem,
} from '../lambda/dispatch/consumer-declaration.js';
import { CONSUMER_METRIC, FUNCTION_NAME_DIMENSION } from '../lambda/observability/consumer-metrics.js';
import { QUEUE_NAME_DIMENSION } from '../lambda/observability/queue-metrics.js';
import type { QueueDeclaration } from '../lambda/queues-config/schema.js';
import { type ConsumerDispatch, DISPATCHER_TIMEOUT } from './consumer-dispatch.js';
import type { IQueueService } from './queue.js';
import type { IServiceQueue } from './queue-declaration.js';

/** A queue a consumer can read: a `Queue`, or `Queue.fromQueueName(...)`, both of which know their service. */
export interface IConsumableQueue extends IServiceQueue {
  readonly service: IQueueService;
  /** A `Queue`'s declaration: its visibility timeout is checked against the function's timeout. */
  readonly declaration?: QueueDeclaration;
  /** A `Queue`'s custom resource: the consumer is registered after it. */
  readonly resource?: IConstruct;
}

/** The settings of a consumer, as aws-lambda-event-sources' `SqsEventSourceProps` names them. */
export interface QueueEventSourceProps {
  /** Most records per invocation: 1-10 for a FIFO queue, 1-10,000 for a Standard one (over 10 needs a batching window). @default 10 */
  readonly batchSize?: number;
  /** How long to gather records before invoking with a smaller batch: 0-300 seconds (Standard queues only). @default Duration.seconds(0) */
  readonly maxBatchingWindow?: Duration;
  /** The function may answer `{ batchItemFailures: [{ itemIdentifier }] }` to keep only those records. @default false */
  readonly reportBatchItemFailures?: boolean;
  /** Most concurrent invocations: 2-1,000. @default - up to 1,250, as Lambda scales SQS pollers */
  readonly maxConcurrency?: number;
  /**
   * Up to 5 patterns, as `FilterCriteria.filter(...)` makes them; a record matching none is deleted without an
   * invocation, as on AWS. @default - every record is delivered
   */
  readonly filters?: Array<{ [key: string]: unknown }>;
  /** A disabled consumer keeps its registration and invokes nothing. @default true */
  readonly enabled?: boolean;
  /**
   * The function's timeout, for a function this app does not define (`Function.fromFunctionArn`); the
   * dispatcher stops waiting for an invocation after it.
   * @default - the function's own timeout (Lambda's 3 s when its props leave it out)
   */
  readonly functionTimeout?: Duration;
}

/** An alarm on a consumer's failed invocations. */
export interface ConsumerErrorsAlarmProps {
  /** Failed invocations in a period at or above which it alarms. @default 1 */
  readonly threshold?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /** @default - a name CloudFormation generates */
  readonly alarmName?: string;
  /** @default - 'The consumer <function> of <queue> failed' */
  readonly alarmDescription?: string;
  /** @default TreatMissingData.NOT_BREACHING: no invocations, no errors */
  readonly treatMissingData?: TreatMissingData;
}

/** The longest function timeout the dispatcher can wait for, and still settle the batch before its own end. */
const MAX_FUNCTION_TIMEOUT_SECONDS = DISPATCHER_TIMEOUT.toSeconds() - DISPATCH_MARGIN_MS / 1000;

/**
 * Triggers a function with batches of a queue of the service, as `SqsEventSource` does with an SQS queue:
 * `fn.addEventSource(new QueueEventSource(queue, { batchSize: 10 }))`. The service's dispatcher invokes the
 * function when messages arrive (docs/design.md, "Consumers on AWS"); the settings are checked at synth with
 * Lambda's own limits and messages, and again at deployment against the queue as it is.
 */
export class QueueEventSource implements IEventSource {
  private bound:
    | { readonly scope: Construct; readonly target: IFunction; readonly resource: CustomResource }
    | undefined;

  constructor(
    readonly queue: IConsumableQueue,
    private readonly props: QueueEventSourceProps = {},
  ) {
    const checked = validateConsumerSettings(settingsInput(queue.queueName, props), queue.fifo);
    const problems = 'issues' in checked ? checked.issues.map((issue) => issue.problem) : [];
    if (problems.length > 0) {
      throw new Error(`QueueEventSource on queue '${queue.queueName}': ${problems.join('; ')}`);
    }
  }

  bind(target: IFunction): void {
    if (this.bound) {
      throw new Error(
        `QueueEventSource on queue '${this.queue.queueName}' is already bound to a function; make one per function`,
      );
    }
    const timeout = this.props.functionTimeout ?? timeoutOf(target);
    const timeoutSeconds =
      timeout && !Token.isUnresolved(timeout.toSeconds()) ? timeout.toSeconds() : undefined;
    if (timeout === undefined) {
      throw new Error(
        `QueueEventSource on queue '${this.queue.queueName}': the timeout of ${target.node.path} is unknown to this app; give it as functionTimeout`,
      );
    }
    if (timeoutSeconds !== undefined) this.checkTimeout(timeoutSeconds);

    const scope = new Construct(target, `QueueEventSource${idOf(this.queue)}`);
    // In the consumer's stack: a policy in the service's stack would make the service depend on this one.
    const policy = new Policy(scope, 'InvokePolicy', {
      roles: [dispatcherRoleOf(this.queue, scope)],
      statements: [
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }),
      ],
    });
    const declaration: ConsumerDeclaration = {
      ...settingsInput(this.queue.queueName, this.props),
      functionArn: target.functionArn,
      filters: patternsOf(this.props.filters ?? []),
      timeoutMs: timeout.toMilliseconds(),
    };
    const resource = new CustomResource(scope, 'Resource', {
      serviceToken: this.queue.service.serviceToken,
      resourceType: CONSUMER_RESOURCE_TYPE,
      properties: { Consumer: Stack.of(scope).toJsonString(declaration) },
    });
    // The dispatcher may invoke the function before the registration tells it to.
    resource.node.addDependency(policy);
    if (this.queue.resource) resource.node.addDependency(this.queue.resource);
    this.bound = { scope, target, resource };
  }

  /** The consumer id the service knows this consumer by (the custom resource's physical id). */
  get consumerId(): string {
    return this.boundTo('consumerId').resource.ref;
  }

  /** A metric of this consumer, in the service's namespace. @default - sum over 5 minutes */
  metric(metricName: string, props?: MetricOptions): Metric {
    const { target } = this.boundTo('metric');
    return new Metric({
      namespace: this.queue.service.metricsNamespace,
      metricName,
      statistic: Stats.SUM,
      ...props,
      dimensionsMap: {
        [QUEUE_NAME_DIMENSION]: this.queue.queueName,
        [FUNCTION_NAME_DIMENSION]: target.functionName,
        ...props?.dimensionsMap,
      },
    });
  }

  /** Invocations of the function with a batch. Sum over 5 minutes. */
  metricInvocations(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.invocations, props);
  }

  /** Invocations whose whole batch stayed in the queue: a throw, a timeout, an unusable answer. Sum over 5 minutes. */
  metricErrors(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.errors, props);
  }

  /** Records handed to the function. Sum over 5 minutes. */
  metricRecords(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.records, props);
  }

  /** Records deleted because they matched no filter. Sum over 5 minutes. */
  metricRecordsFiltered(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.filtered, props);
  }

  /** How long invocations took, in milliseconds. Average over 5 minutes. */
  metricDuration(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.duration, { statistic: Stats.AVERAGE, ...props });
  }

  /** Age of a batch's oldest record when the function was invoked, in milliseconds. Maximum over 5 minutes. */
  metricAgeOfOldestRecord(props?: MetricOptions): Metric {
    return this.metric(CONSUMER_METRIC.ageOfOldestRecord, { statistic: Stats.MAXIMUM, ...props });
  }

  /** An alarm on failed invocations, next to the consumer. It has no actions; add them to the alarm. */
  createErrorsAlarm(id: string, props: ConsumerErrorsAlarmProps = {}): Alarm {
    const { scope, target } = this.boundTo('createErrorsAlarm');
    return new Alarm(scope, id, {
      alarmName: props.alarmName,
      alarmDescription:
        props.alarmDescription ?? `The consumer ${target.node.path} of ${this.queue.queueName} failed`,
      metric: this.metricErrors({ period: props.period ?? Duration.minutes(5) }),
      threshold: props.threshold ?? 1,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
  }

  /** What CreateEventSourceMapping checks of a function's timeout, plus what the dispatcher can wait for. */
  private checkTimeout(timeoutSeconds: number): void {
    const name = this.queue.queueName;
    if (timeoutSeconds > MAX_FUNCTION_TIMEOUT_SECONDS) {
      throw new Error(
        `QueueEventSource on queue '${name}': the function's timeout of ${timeoutSeconds} seconds is longer than the ${MAX_FUNCTION_TIMEOUT_SECONDS} seconds the dispatcher can wait for an invocation and still settle its batch`,
      );
    }
    const visibility = this.queue.declaration?.attributes.VisibilityTimeout;
    const visibilitySeconds =
      visibility === undefined ? (this.queue.declaration ? 30 : undefined) : Number(visibility);
    if (
      visibilitySeconds !== undefined &&
      Number.isFinite(visibilitySeconds) &&
      visibilitySeconds < timeoutSeconds
    ) {
      throw new Error(
        `QueueEventSource on queue '${name}': ${visibilityTimeoutProblem(visibilitySeconds, timeoutSeconds)}`,
      );
    }
  }

  private boundTo(what: string): NonNullable<QueueEventSource['bound']> {
    if (!this.bound) {
      throw new Error(
        `QueueEventSource on queue '${this.queue.queueName}': ${what} needs the source added to a function first (fn.addEventSource)`,
      );
    }
    return this.bound;
  }
}

/** The settings given, tokens left out (checked at deployment instead, as aws-cdk leaves them to CloudFormation). */
function settingsInput(queueName: string, props: QueueEventSourceProps): ConsumerSettingsInput {
  const known = (value: number | undefined) =>
    value === undefined || Token.isUnresolved(value) ? undefined : value;
  const windowMs = props.maxBatchingWindow ? known(props.maxBatchingWindow.toMilliseconds()) : undefined;
  const batchSize = known(props.batchSize);
  const maxConcurrency = known(props.maxConcurrency);
  return {
    queueName,
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(windowMs === undefined ? {} : { maxBatchingWindowMs: windowMs }),
    ...(props.reportBatchItemFailures === undefined
      ? {}
      : { reportBatchItemFailures: props.reportBatchItemFailures }),
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    ...(props.enabled === undefined ? {} : { enabled: props.enabled }),
    ...(props.filters === undefined ? {} : { filters: patternsOf(props.filters) }),
  };
}

/** `FilterCriteria.filter(...)` writes `{ pattern: '<json>' }`. */
function patternsOf(filters: readonly { [key: string]: unknown }[]): string[] {
  return filters.map((filter) =>
    typeof filter.pattern === 'string' ? filter.pattern : JSON.stringify(filter.pattern ?? filter),
  );
}

/**
 * The role the queue's service invokes consumers with: a `QueueService` of this app's own, or the role ARN
 * another app's service was described with.
 */
function dispatcherRoleOf(queue: IConsumableQueue, scope: Construct): IRole {
  const dispatch = (queue.service as { consumerDispatch?: ConsumerDispatch }).consumerDispatch;
  if (dispatch) return dispatch.dispatcherRole;
  const arn = queue.service.consumerDispatcherRoleArn;
  if (arn === undefined) {
    throw new Error(
      `QueueEventSource on queue '${queue.queueName}': its service names no consumerDispatcherRoleArn; use a QueueService, or give its dispatcher role's ARN`,
    );
  }
  return Role.fromRoleArn(scope, 'DispatcherRole', arn);
}

/** The timeout of a `Function`, or of the function behind a `Version` or `Alias`; undefined when unknown. */
function timeoutOf(target: IFunction): Duration | undefined {
  const candidates: unknown[] = [
    target,
    (target as { lambda?: unknown }).lambda,
    (target as { version?: { lambda?: unknown } }).version?.lambda,
  ];
  for (const candidate of candidates) {
    if (candidate && typeof candidate === 'object' && 'timeout' in candidate && 'runtime' in candidate) {
      return (candidate as { timeout?: Duration }).timeout ?? Duration.seconds(3);
    }
  }
  return undefined;
}

function idOf(queue: IConsumableQueue): string {
  return queue.resource
    ? Names.nodeUniqueId((queue.resource.node.scope ?? queue.resource).node)
    : queue.queueName.replace(/[^A-Za-z0-9-]/g, '');
}

import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { QUEUE_METRIC, QUEUE_NAME_DIMENSION } from '../lambda/observability/queue-metrics.js';
import { TOPIC_METRIC, TOPIC_NAME_DIMENSION } from '../lambda/observability/topic-metrics.js';

/** The DynamoDB operations the runtime sends, for the throttle and system-error graphs. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

const FIVE_MINUTES = Duration.minutes(5);

export interface ServiceMonitoringProps {
  readonly api: HttpApi;
  readonly requestFunction: IFunction;
  readonly backgroundFunction: IFunction;
  readonly table: TableV2;
  /** The namespace of the per-queue metrics the functions publish. */
  readonly metricsNamespace: string;
  /** Added to every alarm; none by default, so nobody is paged by a stack they have not wired up. */
  readonly alarmActions: readonly IAlarmAction[];
}

/** The service's dashboard and alarms. */
export class ServiceMonitoring extends Construct {
  readonly dashboard: Dashboard;
  /** HTTP 5xx answers: SQS's InternalError (anything the runtime did not expect), function timeouts and throttles. */
  readonly serverErrorsAlarm: Alarm;
  /** Invocations of the request function that failed outright (crash or timeout), not SQS errors it answered. */
  readonly requestErrorsAlarm: Alarm;
  /** Most background runs of 5 minutes failed: move tasks stall and the per-queue gauges go stale. */
  readonly backgroundErrorsAlarm: Alarm;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const { api, requestFunction, backgroundFunction, table } = props;

    // The SDKs retry a 5xx, so one is rarely seen by an application; five in five minutes is a pattern.
    this.serverErrorsAlarm = new Alarm(this, 'ServerErrors', {
      alarmDescription:
        'The SQS-compatible endpoint answered with HTTP 5xx (InternalError, timeouts, throttling)',
      metric: api.metricServerError({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // The handler turns every error into an SQS answer, so an invocation error is a crash or a timeout: a bug.
    this.requestErrorsAlarm = new Alarm(this, 'RequestFunctionErrors', {
      alarmDescription: 'The request function crashed or timed out',
      metric: requestFunction.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // One failed run is made up for by the next a minute later; three of five are not.
    this.backgroundErrorsAlarm = new Alarm(this, 'BackgroundFunctionErrors', {
      alarmDescription:
        'Most runs of the background function failed: move tasks and queue metrics are stalled',
      metric: backgroundFunction.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
      threshold: 3,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [this.serverErrorsAlarm, this.requestErrorsAlarm, this.backgroundErrorsAlarm];
    for (const alarm of this.alarms) alarm.addAlarmAction(...props.alarmActions);

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# SQS-compatible service', width: 24, height: 1 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      graph('API requests', [api.metricCount({ statistic: Stats.SUM, label: 'Requests' })]),
      graph('API errors', [
        api.metricClientError({ statistic: Stats.SUM, label: '4xx' }),
        api.metricServerError({ statistic: Stats.SUM, label: '5xx' }),
      ]),
      graph('API latency (ms)', [
        api.metricLatency({ statistic: Stats.p(50), label: 'p50' }),
        api.metricLatency({ statistic: Stats.p(99), label: 'p99' }),
        api.metricIntegrationLatency({ statistic: Stats.p(99), label: 'Integration p99' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Request function errors and throttles', [
        requestFunction.metricErrors({ statistic: Stats.SUM, label: 'Errors' }),
        requestFunction.metricThrottles({ statistic: Stats.SUM, label: 'Throttles' }),
        backgroundFunction.metricErrors({ statistic: Stats.SUM, label: 'Background errors' }),
      ]),
      graph('Request function duration (ms)', [
        requestFunction.metricDuration({ statistic: Stats.p(50), label: 'p50' }),
        requestFunction.metricDuration({ statistic: Stats.p(99), label: 'p99' }),
      ]),
      graph('Request function concurrency', [
        requestFunction.metric('ConcurrentExecutions', {
          statistic: Stats.MAXIMUM,
          label: 'Concurrent executions',
        }),
      ]),
    );
    const operations = { operations: TABLE_OPERATIONS };
    this.dashboard.addWidgets(
      graph('DynamoDB consumed units', [
        table.metricConsumedReadCapacityUnits({ statistic: Stats.SUM, label: 'Read units' }),
        table.metricConsumedWriteCapacityUnits({ statistic: Stats.SUM, label: 'Write units' }),
      ]),
      graph('DynamoDB throttled requests', [
        table.metricThrottledRequestsForOperations({ ...operations, label: 'Throttled requests' }),
      ]),
      graph('DynamoDB system errors', [
        table.metricSystemErrorsForOperations({ ...operations, label: 'System errors' }),
      ]),
    );

    const perQueue = (metricName: string, statistic: 'Sum' | 'Maximum' | 'Average') =>
      searchEachQueue(props.metricsNamespace, metricName, statistic);
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Queues', width: 24, height: 1 }),
      graph('Messages sent', [perQueue(QUEUE_METRIC.sent, 'Sum')]),
      graph('Messages received', [perQueue(QUEUE_METRIC.received, 'Sum')]),
      graph('Messages deleted', [perQueue(QUEUE_METRIC.deleted, 'Sum')]),
    );
    this.dashboard.addWidgets(
      graph('Visible messages', [perQueue(QUEUE_METRIC.visible, 'Maximum')]),
      graph('Messages in flight', [perQueue(QUEUE_METRIC.notVisible, 'Maximum')]),
      graph('Age of the oldest message (s)', [perQueue(QUEUE_METRIC.ageOfOldestMessage, 'Maximum')]),
    );
    this.dashboard.addWidgets(
      graph('Moved to a dead-letter queue', [perQueue(QUEUE_METRIC.movedToDeadLetterQueue, 'Sum')]),
      graph('Empty receives', [perQueue(QUEUE_METRIC.emptyReceives, 'Sum')]),
      graph('Delayed messages', [perQueue(QUEUE_METRIC.delayed, 'Maximum')]),
    );

    const perTopic = (metricName: string) =>
      searchEach(props.metricsNamespace, TOPIC_NAME_DIMENSION, metricName, 'Sum');
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Topics', width: 24, height: 1 }),
      graph('Messages published', [perTopic(TOPIC_METRIC.published)]),
      graph('Notifications delivered', [perTopic(TOPIC_METRIC.delivered)]),
      graph('Notifications failed and filtered out', [
        perTopic(TOPIC_METRIC.failed),
        perTopic(TOPIC_METRIC.filteredOut),
      ]),
    );
  }
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: 8, height: 6, period: FIVE_MINUTES });
}

/** One line per queue, whatever queues exist: a SEARCH over the namespace's `QueueName` dimension. */
export function searchEachQueue(namespace: string, metricName: string, statistic: string): MathExpression {
  return searchEach(namespace, QUEUE_NAME_DIMENSION, metricName, statistic);
}

/** One line per queue or topic, whatever exist: a SEARCH over the namespace's `QueueName` or `TopicName` dimension. */
function searchEach(
  namespace: string,
  dimension: string,
  metricName: string,
  statistic: string,
): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${namespace},${dimension}} MetricName="${metricName}"', '${statistic}', 300)`,
    usingMetrics: {},
    label: '',
    period: FIVE_MINUTES,
  });
}

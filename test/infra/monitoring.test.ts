import { Match } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { resolved, SYNTH_TIMEOUT_MS, synthService } from './synth.js';

/** The dashboard body with its tokens resolved to the template's intrinsics, as one string. */
function dashboardBody(template: ReturnType<typeof synthService>['template']): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return JSON.stringify(dashboard?.Properties.DashboardBody);
}

describe('service monitoring', { timeout: SYNTH_TIMEOUT_MS }, () => {
  const service = synthService();
  const { template, stack } = service;

  describe('alarms', () => {
    it('alarms on five or more HTTP 5xx answers in five minutes', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: resolved(service, stack.service.api.apiId) }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms on any failed invocation of the request function, and on most background runs failing', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: resolved(service, stack.service.requestFunction.function.functionName),
          },
        ],
        Threshold: 1,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: resolved(service, stack.service.backgroundFunction.function.functionName),
          },
        ],
        Threshold: 3,
        Period: 300,
      });
    });

    it('has no alarm actions unless given some', () => {
      // The dashboard's three, and the consumers' dispatcher crashing (lib/consumer-dispatch.ts).
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
      }
    });

    it('adds the alarm actions it is given to every alarm', () => {
      const withActions = synthService((shared) => ({
        alarmActions: [new SnsAction(new Topic(shared, 'Pager'))],
      }));

      const alarms = Object.values(withActions.template.findResources('AWS::CloudWatch::Alarm'));

      expect(alarms).toHaveLength(4);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    });
  });

  describe('dashboard', () => {
    it('graphs API Gateway requests, errors and latency', () => {
      const body = dashboardBody(template);

      for (const metric of ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency']) {
        expect(body).toContain(`AWS/ApiGateway\\",\\"${metric}\\"`);
      }
    });

    it('graphs the request function’s errors, throttles, p99 duration and concurrency', () => {
      const body = dashboardBody(template);

      for (const metric of ['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) {
        expect(body).toContain(`AWS/Lambda\\",\\"${metric}\\"`);
      }
      expect(body).toContain('\\"stat\\":\\"p99\\"');
    });

    it('graphs DynamoDB consumed units, throttles and system errors', () => {
      const body = dashboardBody(template);

      for (const metric of [
        'ConsumedReadCapacityUnits',
        'ConsumedWriteCapacityUnits',
        'ThrottledRequests',
        'SystemErrors',
      ]) {
        expect(body).toContain(`AWS/DynamoDB\\",\\"${metric}\\"`);
      }
    });

    it('graphs every queue through SEARCH expressions over the service namespace', () => {
      const body = dashboardBody(template);

      for (const metric of [
        'NumberOfMessagesSent',
        'NumberOfMessagesReceived',
        'NumberOfMessagesDeleted',
        'NumberOfEmptyReceives',
        'NumberOfMessagesMovedToDeadLetterQueue',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
        'ApproximateAgeOfOldestMessage',
      ]) {
        expect(body).toContain(`SEARCH('{DynamoSQS,QueueName} MetricName=\\\\\\"${metric}\\\\\\"'`);
      }
    });

    it('searches the namespace it is given', () => {
      const custom = synthService({ metricsNamespace: 'Shop' });

      expect(dashboardBody(custom.template)).toContain("SEARCH('{Shop,QueueName}");
      custom.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
        DashboardBody: Match.anyValue(),
      });
    });
  });
});

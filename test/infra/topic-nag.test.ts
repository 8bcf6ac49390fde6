import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { Queue } from '../../lib/queue.js';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';
import { QueueSubscription } from '../../lib/queue-subscription.js';
import { Topic } from '../../lib/topic.js';
import { appWithoutBundling, SYNTH_TIMEOUT_MS } from './synth.js';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly { readonly ruleName: string; readonly severity: string }[];
  }[];
}

/** Synthesizes with the AwsSolutions pack as bin/app.ts does (nag.test.ts's method): an unacknowledged finding throws. */
function nagViolations(app: App): string[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  let report: ValidationReport | undefined;
  try {
    report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
  } catch {
    report = undefined;
  }
  return (report?.pluginReports ?? [])
    .filter((plugin) => plugin.pluginName === 'AwsSolutions')
    .flatMap((plugin) => plugin.violations.map((v) => `${v.severity} ${v.ruleName}`));
}

describe('cdk-nag AwsSolutions checks on topics', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('finds nothing unacknowledged in a stack of topics, subscriptions and their alarm', () => {
    const app = appWithoutBundling();
    const { service } = new QueueServiceStack(app, 'QueueService');
    const stack = new Stack(app, 'Topics');
    const orders = new Queue(stack, 'Orders', { service, queueName: 'orders' });
    const dlq = new Queue(stack, 'OrdersDlq', { service, queueName: 'orders-dlq' });
    const ledger = new Queue(stack, 'Ledger', { service, queueName: 'ledger.fifo' });
    const events = new Topic(stack, 'OrderEvents', {
      service,
      topicName: 'order-events',
      failedNotificationsAlarm: true,
    });
    const payments = new Topic(stack, 'Payments', { service, topicName: 'payments', fifo: true });

    events.addSubscription(
      new QueueSubscription(orders, {
        rawMessageDelivery: true,
        filterPolicy: { type: SubscriptionFilter.stringFilter({ allowlist: ['created'] }) },
        deadLetterQueue: dlq,
      }),
    );
    payments.addSubscription(new QueueSubscription(ledger));

    expect(nagViolations(app)).toEqual([]);
  });

  it("puts every topic's published, delivered, failed and filtered-out counts on the service dashboard", () => {
    const { service } = new QueueServiceStack(appWithoutBundling(), 'QueueService');

    const dashboard = Object.values(
      Template.fromStack(Stack.of(service)).findResources('AWS::CloudWatch::Dashboard'),
    );

    const body = JSON.stringify(dashboard[0]?.Properties.DashboardBody);
    for (const metric of [
      'NumberOfMessagesPublished',
      'NumberOfNotificationsDelivered',
      'NumberOfNotificationsFailed',
      'NumberOfNotificationsFilteredOut',
    ]) {
      expect(body).toMatch(new RegExp(`SEARCH\\('\\{DynamoSQS,TopicName\\} MetricName=\\W+${metric}\\W`));
    }
  });
});

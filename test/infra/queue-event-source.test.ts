import { App, CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  Code,
  FilterCriteria,
  FilterRule,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type IQueueService, Queue } from '../../lib/queue.js';
import { QueueEventSource, type QueueEventSourceProps } from '../../lib/queue-event-source.js';
import type { QueueService } from '../../lib/queue-service.js';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';
import { appWithoutBundling, SYNTH_TIMEOUT_MS } from './synth.js';

/** A consumer's own function, as a user writes it; its nag findings are the user's, acknowledged here. */
function userFunction(stack: Stack, id: string, timeout?: Duration): LambdaFunction {
  const fn = new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => {};'),
    ...(timeout ? { timeout } : {}),
  });
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "The test's own function uses Lambda's basic execution role",
    },
    { id: 'AwsSolutions-L1', reason: "The test's own function" },
  );
  return fn;
}

/** The `Consumer` JSON of a consumer resource, tokens (the function's ARN) shown as `<token>`. */
function declarationIn(template: Template, stack: Stack): Record<string, unknown> {
  const [resource] = Object.values(template.findResources('Custom::SqsConsumer'));
  const value = stack.resolve(resource?.Properties.Consumer) as unknown;
  if (typeof value === 'string') return JSON.parse(value);
  const [, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : '<token>')).join(''));
}

/** Every statement of the policies attached to a role, by the role's logical id. */
function statementsOfRole(template: Template, roleLogicalId: string): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function logicalIdOf(service: QueueService, fn: 'request' | 'background' | 'dispatcher'): string {
  const target = {
    request: service.requestFunction,
    background: service.backgroundFunction,
    dispatcher: service.consumerDispatch.dispatcher,
  }[fn];
  return Stack.of(service).getLogicalId(target.role.node.defaultChild as never);
}

describe('QueueEventSource in a stack of its own, with cdk-nag', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let serviceTemplate: Template;
  let consumerTemplate: Template;
  let service: QueueService;
  let consumers: Stack;
  let source: QueueEventSource;
  let handlerId: string;

  beforeAll(() => {
    const app = appWithoutBundling();
    service = new QueueServiceStack(app, 'Service').service;
    consumers = new Stack(app, 'Consumers');
    const queue = new Queue(consumers, 'Orders', {
      service,
      queueName: 'orders',
      visibilityTimeout: Duration.minutes(1),
    });
    const fn = userFunction(consumers, 'Handler', Duration.seconds(20));
    source = new QueueEventSource(queue, {
      batchSize: 5,
      maxBatchingWindow: Duration.seconds(2),
      reportBatchItemFailures: true,
      maxConcurrency: 3,
      filters: [FilterCriteria.filter({ body: { kind: FilterRule.isEqual('order') } })],
    });
    fn.addEventSource(source);
    handlerId = consumers.getLogicalId(fn.node.defaultChild as never);
    source
      .createErrorsAlarm('OrdersConsumerErrors')
      .addAlarmAction(new SnsAction(new Topic(consumers, 'Pager', { enforceSSL: true })));
    // Synthesis throws on any finding nobody acknowledged (test/infra/nag.test.ts).
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    serviceTemplate = Template.fromJSON(assembly.getStackByName('Service').template);
    consumerTemplate = Template.fromJSON(assembly.getStackByName('Consumers').template);
  });

  it('registers the consumer with its settings and the function timeout', () => {
    expect(declarationIn(consumerTemplate, consumers)).toEqual({
      queueName: 'orders',
      batchSize: 5,
      maxBatchingWindowMs: 2000,
      reportBatchItemFailures: true,
      maxConcurrency: 3,
      filters: ['{"body":{"kind":["order"]}}'],
      functionArn: '<token>',
      timeoutMs: 20_000,
    });
  });

  it('registers after the invoke grant and after the queue', () => {
    const [resource] = Object.values(consumerTemplate.findResources('Custom::SqsConsumer'));
    const dependsOn = resource?.DependsOn as string[];

    expect(dependsOn.some((id) => id.includes('InvokePolicy'))).toBe(true);
    expect(dependsOn.some((id) => id.startsWith('Orders'))).toBe(true);
  });

  it('lets the dispatcher invoke the consumer function and nothing else, from the consumer stack', () => {
    const dispatcherRole = logicalIdOf(service, 'dispatcher');
    const grants = statementsOfRole(consumerTemplate, dispatcherRole);

    expect(grants).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [handlerId, 'Arn'] },
      },
    ]);
    const own = statementsOfRole(serviceTemplate, dispatcherRole).filter((s) =>
      JSON.stringify(s.Action).includes('lambda:'),
    );
    // Only its own ARN: a dispatcher whose time runs out hands on to a fresh invocation of itself.
    expect(own).toHaveLength(1);
    expect(JSON.stringify(own[0]?.Resource)).toContain('ConsumersDispatcherFunction');
  });

  it('lets the request and background functions invoke only the dispatcher, which they are told the name of', () => {
    for (const fn of ['request', 'background'] as const) {
      const invokes = statementsOfRole(serviceTemplate, logicalIdOf(service, fn)).filter((s) =>
        JSON.stringify(s.Action).includes('lambda:'),
      );
      expect(invokes).toHaveLength(1);
      expect(invokes[0]?.Action).toBe('lambda:InvokeFunction');
      expect(JSON.stringify(invokes[0]?.Resource)).toMatch(
        /^\{"Fn::GetAtt":\["ServiceConsumersDispatcherFunction\w+","Arn"\]\}$/,
      );
    }
    serviceTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^SQS-compatible service: answers every SQS request'),
      Environment: { Variables: Match.objectLike({ DISPATCHER_FUNCTION_NAME: { Ref: Match.anyValue() } }) },
    });
  });

  it('runs the dispatcher for 15 minutes at 256 MB, retrying a kick once at most', () => {
    serviceTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^SQS-compatible service: invokes the queues'),
      Timeout: 900,
      MemorySize: 256,
    });
    serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 300,
    });
  });

  it('alarms on the consumer errors metric of its queue and function, in the service namespace', () => {
    consumerTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DynamoSQS',
      MetricName: 'ConsumerErrors',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: handlerId } },
        { Name: 'QueueName', Value: 'orders' },
      ],
    });
  });
});

/** A service of a test stack, without synthesizing it: validation happens when the source is made and bound. */
function bareService(): { stack: Stack; service: QueueService } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { service } = new QueueServiceStack(app, 'Service');
  return { stack: new Stack(app, 'Consumers'), service };
}

describe('QueueEventSource validation', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let stack: Stack;
  let service: QueueService;
  let standard: Queue;
  let fifo: Queue;

  beforeAll(() => {
    ({ stack, service } = bareService());
    standard = new Queue(stack, 'Standard', { service, queueName: 'standard' });
    fifo = new Queue(stack, 'Fifo', { service, queueName: 'work.fifo' });
  });

  it.each<[string, () => Queue, QueueEventSourceProps, RegExp]>([
    [
      'a FIFO batch over 10',
      () => fifo,
      { batchSize: 11 },
      /between 1 and 10 inclusive for a FIFO queue \(given 11\)/,
    ],
    [
      'a batch of 0',
      () => standard,
      { batchSize: 0 },
      /between 1 and 10000 inclusive for a Standard queue \(given 0\)/,
    ],
    [
      'a batch over 10 without a window',
      () => standard,
      { batchSize: 100 },
      /when the batching window is under 1 second/,
    ],
    [
      'a window over 300 s',
      () => standard,
      { maxBatchingWindow: Duration.seconds(301) },
      /300 seconds or less \(given 301 seconds\)/,
    ],
    [
      'a window on a FIFO queue',
      () => fifo,
      { maxBatchingWindow: Duration.seconds(1) },
      /not supported for FIFO/,
    ],
    [
      'a concurrency of 1',
      () => standard,
      { maxConcurrency: 1 },
      /between 2 and 1000 concurrent instances \(given 1\)/,
    ],
    [
      'six filters',
      () => standard,
      { filters: Array.from({ length: 6 }, () => FilterCriteria.filter({ body: { a: ['b'] } })) },
      /at most 5 filter patterns \(given 6\)/,
    ],
    [
      'a pattern that is no pattern',
      () => standard,
      { filters: [{ pattern: '{"body": 1}' }] },
      /filters\[0\]: .*Event pattern is not valid/,
    ],
  ])('refuses %s when it is made, naming the queue', (_case, queue, props, message) => {
    expect(() => new QueueEventSource(queue(), props)).toThrow(message);
    expect(() => new QueueEventSource(queue(), props)).toThrow(/QueueEventSource on queue '/);
  });

  it('leaves tokens to the deployment, as aws-cdk does', () => {
    const batchSize = new CfnParameter(stack, 'BatchSize', { type: 'Number' }).valueAsNumber;

    expect(() => new QueueEventSource(standard, { batchSize, maxConcurrency: batchSize })).not.toThrow();
  });

  it('refuses a function timeout longer than the queue visibility timeout, as CreateEventSourceMapping does', () => {
    const fn = userFunction(stack, 'Slow', Duration.seconds(31));

    expect(() => fn.addEventSource(new QueueEventSource(standard))).toThrow(
      "QueueEventSource on queue 'standard': Queue visibility timeout: 30 seconds is less than Function timeout: 31 seconds",
    );
  });

  it('refuses a function timeout the dispatcher cannot wait for', () => {
    const long = new Queue(stack, 'Long', {
      service,
      queueName: 'long',
      visibilityTimeout: Duration.hours(1),
    });
    const fn = userFunction(stack, 'Longest', Duration.minutes(15));

    expect(() => fn.addEventSource(new QueueEventSource(long))).toThrow(
      /timeout of 900 seconds is longer than the 890 seconds/,
    );
  });

  it('asks for the timeout of a function the app does not define, and takes it as functionTimeout', () => {
    const imported = LambdaFunction.fromFunctionArn(
      stack,
      'Imported',
      'arn:aws:lambda:eu-west-1:123456789012:function:f',
    );
    const named = Queue.fromQueueName({ service, queueName: 'standard' });

    expect(() => imported.addEventSource(new QueueEventSource(named))).toThrow(/give it as functionTimeout/);
    expect(() =>
      imported.addEventSource(new QueueEventSource(named, { functionTimeout: Duration.seconds(10) })),
    ).not.toThrow();
  });

  it("needs the dispatcher role of another app's service, and grants it the invoke", () => {
    const elsewhere: IQueueService = {
      endpoint: 'https://sqs.example.com',
      accountId: '123456789012',
      region: 'eu-west-1',
      serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:queue-provider',
      metricsNamespace: 'DynamoSQS',
    };
    const queue = Queue.fromQueueName({ service: elsewhere, queueName: 'orders' });
    const withRole = Queue.fromQueueName({
      service: { ...elsewhere, consumerDispatcherRoleArn: 'arn:aws:iam::123456789012:role/dispatcher' },
      queueName: 'orders',
    });
    const fn = userFunction(stack, 'Elsewhere');
    const other = userFunction(stack, 'ElsewhereToo');

    expect(() => fn.addEventSource(new QueueEventSource(queue))).toThrow(
      /names no consumerDispatcherRoleArn/,
    );
    other.addEventSource(new QueueEventSource(withRole));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['dispatcher'],
      PolicyDocument: {
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [stack.getLogicalId(other.node.defaultChild as never), 'Arn'] },
          },
        ],
      },
    });
  });
});

import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type IQueueService, Queue } from './queue.js';
import { QueueEventSource } from './queue-event-source.js';

export interface ExampleStackProps extends StackProps {
  readonly service: IQueueService;
}

/**
 * The README's example (`npx cdk synth -c example=true`): keep it short enough to show there. A work queue
 * with a dead-letter queue and an alarm on it, consumed by a function, and a FIFO queue with its FIFO
 * dead-letter queue.
 */
export class ExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { service } = props;

    const ordersDlq = new Queue(this, 'OrdersDlq', {
      service,
      queueName: 'orders-dlq',
      retentionPeriod: Duration.days(14),
    });
    const orders = new Queue(this, 'Orders', {
      service,
      queueName: 'orders',
      visibilityTimeout: Duration.minutes(1),
      receiveMessageWaitTime: Duration.seconds(20),
      deadLetterQueue: { queue: ordersDlq, maxReceiveCount: 5, alarm: true },
    });

    // A function consumes `orders` as it would an SQS queue: batches of up to 10, failed records reported.
    const ordersHandler = new LambdaFunction(this, 'OrdersHandler', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline(
        'exports.handler = async (event) => { for (const r of event.Records) console.log(r.body); return { batchItemFailures: [] }; };',
      ),
    });
    ordersHandler.addEventSource(
      new QueueEventSource(orders, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    Validations.of(ordersHandler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "The example's own function keeps Lambda's default role",
      },
      { id: 'AwsSolutions-L1', reason: "The example's own function, on the runtime the service uses" },
    );

    const paymentsDlq = new Queue(this, 'PaymentsDlq', {
      service,
      queueName: 'payments-dlq.fifo',
      retentionPeriod: Duration.days(14),
    });
    const payments = new Queue(this, 'Payments', {
      service,
      queueName: 'payments.fifo',
      contentBasedDeduplication: true,
      deadLetterQueue: { queue: paymentsDlq, maxReceiveCount: 3 },
    });

    new CfnOutput(this, 'OrdersQueueUrl', { value: orders.queueUrl });
    new CfnOutput(this, 'PaymentsQueueUrl', { value: payments.queueUrl });
  }
}

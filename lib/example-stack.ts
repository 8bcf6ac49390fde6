import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type IQueueService, Queue } from './queue.js';

export interface ExampleStackProps extends StackProps {
  readonly service: IQueueService;
}

/**
 * The README's example (`npx cdk synth -c example=true`): keep it short enough to show there. A work queue
 * with a dead-letter queue and an alarm on it, and a FIFO queue with its FIFO dead-letter queue.
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

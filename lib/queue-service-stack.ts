import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { QueueTable, type QueueTableProps } from './queue-table.js';

export interface QueueServiceStackProps extends StackProps {
  /** @default - QueueTable's defaults: retained, deletion-protected, point-in-time recovery on */
  readonly table?: QueueTableProps;
}

/**
 * The service on AWS. So far the DynamoDB table the runtime uses; the HTTP API, the request Lambda and
 * the `Queue` construct come with the deployment issue.
 */
export class QueueServiceStack extends Stack {
  readonly queueTable: QueueTable;

  constructor(scope: Construct, id: string, props: QueueServiceStackProps = {}) {
    super(scope, id, props);
    this.queueTable = new QueueTable(this, 'Queues', props.table);
    new CfnOutput(this, 'TableName', { value: this.queueTable.table.tableName });
  }
}

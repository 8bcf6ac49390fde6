import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { QueueService, type QueueServiceProps } from './queue-service.js';

export interface QueueServiceStackProps extends StackProps, QueueServiceProps {}

/**
 * A stack with the service and nothing else, and the outputs an operator needs next: the endpoint, and the
 * table and key the keys CLI works with.
 */
export class QueueServiceStack extends Stack {
  readonly service: QueueService;

  constructor(scope: Construct, id: string, props: QueueServiceStackProps = {}) {
    super(scope, id, props);
    this.service = new QueueService(this, 'Service', props);
    const { service } = this;
    const tableName = service.queueTable.table.tableName;
    const keyArn = service.accessKeyEncryptionKey.keyArn;

    new CfnOutput(this, 'Endpoint', {
      description: 'The SQS endpoint: pass it to clients as --endpoint-url or endpoint',
      value: service.endpoint,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The table that holds queues, messages and keys',
      value: tableName,
    });
    new CfnOutput(this, 'AccessKeyEncryptionKeyArn', {
      description: 'The KMS key of access-key secrets; the keys CLI needs kms:Encrypt on it',
      value: keyArn,
    });
    new CfnOutput(this, 'CreateKeyCommand', {
      description: 'Creates an access key allowed every action on every queue; narrow --allow as needed',
      value: `npm run keys -- create --name app --allow '*:*' --table ${tableName} --region ${this.region} --kms-key-id ${keyArn}`,
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${service.monitoring.dashboard.dashboardName}`,
    });
    if (service.domainName) {
      new CfnOutput(this, 'DomainTarget', {
        // A literal: CloudFormation takes no intrinsic functions in an output's description.
        description: 'Point the custom domain here: a CNAME, or an alias record in DomainTargetHostedZoneId',
        value: service.domainName.regionalDomainName,
      });
      new CfnOutput(this, 'DomainTargetHostedZoneId', { value: service.domainName.regionalHostedZoneId });
    }
  }
}

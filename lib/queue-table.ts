import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  PARTITION_KEY,
  READY_INDEX,
  READY_PARTITION_KEY,
  READY_PROJECTED,
  READY_SORT_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../lambda/storage/dynamo/schema.js';

export interface QueueTableProps {
  /**
   * What happens to the table, and every queued message, when the stack is deleted or the table replaced.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether DynamoDB refuses to delete the table, whatever CloudFormation asks.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Continuous backups: the table can be restored to any second of the last 35 days.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * A customer managed KMS key that encrypts the table at rest. The service's functions are allowed to use it
   * through DynamoDB only. The stack needs an explicit region (`env`), as TableV2 requires for this key.
   * @default - the AWS managed key for DynamoDB (`alias/aws/dynamodb`)
   */
  readonly encryptionKey?: IKey;
}

/** The one table that holds queues and messages; its key names come from the runtime's schema. */
export class QueueTable extends Construct {
  readonly table: TableV2;
  /** The ARN of the index of claimable FIFO groups, which the runtime queries. */
  readonly readyIndexArn: string;
  /** @default - the AWS managed key */
  readonly encryptionKey?: IKey;

  constructor(scope: Construct, id: string, props: QueueTableProps = {}) {
    super(scope, id);
    if (props.encryptionKey && Token.isUnresolved(Stack.of(this).region)) {
      throw new Error(
        'QueueTable encryptionKey needs a stack with an explicit region (env: { region }); this stack is region-agnostic',
      );
    }
    this.encryptionKey = props.encryptionKey;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      billing: Billing.onDemand(),
      encryption: props.encryptionKey
        ? TableEncryptionV2.customerManagedKey(props.encryptionKey)
        : TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // FIFO queues: the message groups that can be claimed, sparse (docs/design.md).
      globalSecondaryIndexes: [
        {
          indexName: READY_INDEX,
          partitionKey: { name: READY_PARTITION_KEY, type: AttributeType.STRING },
          sortKey: { name: READY_SORT_KEY, type: AttributeType.NUMBER },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...READY_PROJECTED],
        },
      ],
    });
    this.readyIndexArn = `${this.table.tableArn}/index/${READY_INDEX}`;
  }
}

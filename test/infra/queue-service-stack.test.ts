import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { QueueServiceStack } from '../../lib/queue-service-stack.js';

describe('QueueServiceStack', () => {
  const template = Template.fromStack(new QueueServiceStack(new App(), 'Test'));

  it('creates the table with the runtime key schema, TTL and on-demand billing', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('indexes the FIFO groups that can be claimed, with the attributes a receive reads from the index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ready',
          KeySchema: [
            { AttributeName: 'gpk', KeyType: 'HASH' },
            { AttributeName: 'gsk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['ack', 'lv', 'rc'] },
        },
      ],
    });
  });

  it('keeps the table and its messages when the stack goes, unless told otherwise', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    const [table] = Object.values(tables);

    expect(table?.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(table?.Properties)).toContain('"DeletionProtectionEnabled":true');
    expect(JSON.stringify(table?.Properties)).toContain('"PointInTimeRecoveryEnabled":true');
  });
});

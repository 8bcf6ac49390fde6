import { Match } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { resolved, SYNTH_TIMEOUT_MS, statementsOf, synthService } from './synth.js';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

describe('QueueServiceStack', { timeout: SYNTH_TIMEOUT_MS }, () => {
  const service = synthService();
  const { template, stack } = service;
  const { requestFunction, backgroundFunction, queueResourceFunction } = stack.service;

  describe('table', () => {
    it('creates the table with the runtime key schema, TTL and on-demand billing', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
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
      const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));

      expect(table?.DeletionPolicy).toBe('Retain');
      expect(table?.UpdateReplacePolicy).toBe('Retain');
      expect(JSON.stringify(table?.Properties)).toContain('"DeletionProtectionEnabled":true');
      expect(JSON.stringify(table?.Properties)).toContain('"PointInTimeRecoveryEnabled":true');
    });

    it('encrypts with a customer managed key when given one', () => {
      const withKey = synthService((shared) => ({ table: { encryptionKey: new Key(shared, 'TableKey') } }));

      withKey.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: Match.anyValue() } })],
      });
    });

    it('refuses a customer managed key in a region-agnostic stack, which TableV2 cannot render', () => {
      expect(() =>
        synthService((shared) => ({ env: undefined, table: { encryptionKey: new Key(shared, 'TableKey') } })),
      ).toThrow(/encryptionKey needs a stack with an explicit region/);
    });
  });

  describe('request function', () => {
    it('runs the bundled request entry on Node.js 22, arm64, sized for 20-second long polls under API Gateway’s 30 s', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: resolved(service, requestFunction.role.roleArn),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 29,
        MemorySize: 256,
        LoggingConfig: { LogGroup: resolved(service, requestFunction.logGroup.logGroupName) },
      });
    });

    it('gets the table, the account id, the access-key KMS key and the Powertools settings from its environment', () => {
      const fn =
        template.toJSON().Resources[stack.getLogicalId(requestFunction.function.node.defaultChild as never)];

      expect(fn.Properties.Environment.Variables).toEqual({
        TABLE_NAME: resolved(service, stack.service.queueTable.table.tableName),
        SQS_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
        KEYS_KMS_KEY_ID: resolved(service, stack.service.accessKeyEncryptionKey.keyArn),
        POWERTOOLS_SERVICE_NAME: 'dynamo-sqs',
        POWERTOOLS_METRICS_NAMESPACE: 'DynamoSQS',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        DISPATCHER_FUNCTION_NAME: resolved(
          service,
          stack.service.consumerDispatch.dispatcher.function.functionName,
        ),
        NODE_OPTIONS: '--enable-source-maps',
      });
    });

    it('keeps its logs for a month', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
      expect(
        Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } })),
      ).toHaveLength(6);
    });
  });

  describe('the other functions', () => {
    it('runs the background entry every minute, without retries, on the same runtime', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: resolved(service, backgroundFunction.role.roleArn),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: 60,
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: resolved(service, backgroundFunction.function.functionArn),
            RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
          }),
        ],
      });
    });

    it('gives neither of them the access-key KMS key', () => {
      const shared = [
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'SQS_ACCOUNT_ID',
        'TABLE_NAME',
      ];
      const variablesOf = (each: typeof backgroundFunction) =>
        Object.keys(
          template.toJSON().Resources[stack.getLogicalId(each.function.node.defaultChild as never)].Properties
            .Environment.Variables,
        ).sort();
      // The background job kicks the consumers' dispatcher (docs/design.md, "Consumers on AWS").
      expect(variablesOf(backgroundFunction)).toEqual(['DISPATCHER_FUNCTION_NAME', ...shared]);
      expect(variablesOf(queueResourceFunction)).toEqual(shared);
    });

    it('puts the queue resource function behind a custom resource provider, whose token queues use', () => {
      const onEvent = template.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: {
            Variables: {
              USER_ON_EVENT_FUNCTION_ARN: resolved(service, queueResourceFunction.function.functionArn),
            },
          },
        },
      });
      const [onEventId] = Object.keys(onEvent);

      expect(onEventId).toBeDefined();
      expect(resolved(service, stack.service.serviceToken)).toEqual({ 'Fn::GetAtt': [onEventId, 'Arn'] });
    });
  });

  describe('HTTP API', () => {
    it('sends every method and path to the request function, with payload format 2.0 and no authorizer or CORS', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: '$default',
        AuthorizationType: 'NONE',
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: resolved(service, requestFunction.function.functionArn),
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.absent(),
      });
    });

    it('serves the $default stage, auto-deployed, with JSON access logs', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.serializedJson(
            Match.objectLike({ requestId: '$context.requestId', status: '$context.status' }),
          ),
        },
      });
    });

    it('outputs the execute-api endpoint', () => {
      template.hasOutput('Endpoint', { Value: resolved(service, stack.service.api.apiEndpoint) });
    });

    it('maps a custom domain to the stage and outputs it as the endpoint', () => {
      const withDomain = synthService((shared) => ({
        domain: {
          domainName: 'sqs.example.com',
          certificate: Certificate.fromCertificateArn(shared, 'Certificate', CERTIFICATE_ARN),
        },
      }));

      withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'sqs.example.com',
        DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERTIFICATE_ARN })],
      });
      withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
      withDomain.template.hasOutput('Endpoint', { Value: 'https://sqs.example.com' });
      withDomain.template.hasOutput('DomainTarget', {
        Description: Match.stringLikeRegexp('^Point the custom domain here'),
        Value: resolved(withDomain, withDomain.stack.service.domainName?.regionalDomainName),
      });
    });
  });

  describe('IAM', () => {
    const tableArn = resolved(service, stack.service.queueTable.table.tableArn);
    const tableAccess = [
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        Resource: tableArn,
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/ready']] },
      },
    ];
    const writeOwnLogs = (fn: typeof requestFunction) => ({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: resolved(service, fn.logGroup.logGroupArn),
    });

    /** The request and background functions kick the consumers' dispatcher, and invoke nothing else. */
    const invokeDispatcher = () => ({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: resolved(service, stack.service.consumerDispatch.dispatcher.function.functionArn),
    });

    it('lets the request function write its logs, use the table and its index, and decrypt access keys only', () => {
      expect(statementsOf(service, requestFunction.role)).toEqual([
        writeOwnLogs(requestFunction),
        invokeDispatcher(),
        ...tableAccess,
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: resolved(service, stack.service.accessKeyEncryptionKey.keyArn),
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'dynamo-sqs-access-key' } },
        },
      ]);
    });

    it('lets the background and queue resource functions write their logs and use the table, nothing more', () => {
      expect(statementsOf(service, backgroundFunction.role)).toEqual([
        writeOwnLogs(backgroundFunction),
        invokeDispatcher(),
        ...tableAccess,
      ]);
      expect(statementsOf(service, queueResourceFunction.role)).toEqual([
        writeOwnLogs(queueResourceFunction),
        ...tableAccess,
      ]);
    });

    it('attaches no AWS managed policy to any role', () => {
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('lets the provider framework write its logs and invoke the queue resource function only', () => {
      const functionArn = resolved(service, queueResourceFunction.function.functionArn);
      const [providerRoleId] = Object.keys(
        template.findResources('AWS::IAM::Role', {
          Properties: { Description: Match.stringLikeRegexp('custom resource provider framework') },
        }),
      );
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter(
          (policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: providerRoleId }]),
        )
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);

      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: resolved(
            service,
            (stack.service.node.findChild('QueueProviderLogs') as LogGroup).logGroupArn,
          ),
        },
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }],
        },
        { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: functionArn },
      ]);
    });

    it('lets every function use a customer managed table key, through DynamoDB only', () => {
      const withKey = synthService((shared) => ({ table: { encryptionKey: new Key(shared, 'TableKey') } }));
      const key = withKey.stack.service.queueTable.encryptionKey;

      for (const fn of [
        withKey.stack.service.requestFunction,
        withKey.stack.service.backgroundFunction,
        withKey.stack.service.queueResourceFunction,
      ]) {
        expect(statementsOf(withKey, fn.role)).toContainEqual({
          Effect: 'Allow',
          Action: [
            'kms:Decrypt',
            'kms:Encrypt',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
          ],
          Resource: resolved(withKey, key?.keyArn),
          Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
        });
      }
    });
  });

  describe('access-key KMS key', () => {
    it('rotates yearly and stays when the stack goes', () => {
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('outputs', () => {
    it('gives the table, the key ARN and a ready-to-run keys command', () => {
      const tableName = resolved(service, stack.service.queueTable.table.tableName);
      const keyArn = resolved(service, stack.service.accessKeyEncryptionKey.keyArn);

      template.hasOutput('TableName', { Value: tableName });
      template.hasOutput('AccessKeyEncryptionKeyArn', { Value: keyArn });
      template.hasOutput('CreateKeyCommand', {
        Value: {
          'Fn::Join': [
            '',
            [
              Match.stringLikeRegexp('^npm run keys -- create --name \\S+ --allow .+ --table $'),
              tableName,
              ' --region ',
              { Ref: 'AWS::Region' },
              ' --kms-key-id ',
              keyArn,
            ],
          ],
        },
      });
    });
  });

  describe('props', () => {
    it('puts the account id and shard count it is given in the functions’ environment', () => {
      const custom = synthService({ accountId: '123456789012', shards: 8, metricsNamespace: 'Shop/Queues' });

      custom.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SQS_ACCOUNT_ID: '123456789012',
            QUEUE_SHARDS: '8',
            POWERTOOLS_METRICS_NAMESPACE: 'Shop/Queues',
          }),
        },
      });
    });

    it('refuses a shard count that is not a whole number of at least 1', () => {
      expect(() => synthService({ shards: 0 })).toThrow(/shards must be a whole number of at least 1, got 0/);
      expect(() => synthService({ shards: 2.5 })).toThrow(/got 2\.5/);
    });
  });
});

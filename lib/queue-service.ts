import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi, DomainName as HttpDomainName } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENCRYPTION_PURPOSE } from '../lambda/auth/secret-cipher.js';
import { DEFAULT_METRICS_NAMESPACE } from '../lambda/observability/queue-metrics.js';
import { ConsumerDispatch } from './consumer-dispatch.js';
import type { IQueueService } from './queue.js';
import { QueueTable, type QueueTableProps } from './queue-table.js';
import { createHttpApi, type QueueServiceDomainProps } from './service-api.js';
import { ServiceFunction } from './service-function.js';
import { ServiceMonitoring } from './service-monitoring.js';

export type { QueueServiceDomainProps } from './service-api.js';

/**
 * The DynamoDB actions the runtime sends (lambda/storage/dynamo/db.ts). TransactWriteItems is no IAM action
 * of its own: DynamoDB authorises each Put, Update and Delete in it as PutItem, UpdateItem and DeleteItem.
 */
export const TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** How the service is deployed. Every prop has a default that is safe to deploy as it is. */
export interface QueueServiceProps {
  /** @default - QueueTable's defaults: on-demand, retained, deletion-protected, point-in-time recovery on */
  readonly table?: QueueTableProps;
  /**
   * The account id shown in queue URLs and ARNs. Clients compare it with nothing, so any 12 digits work.
   * @default - the account the stack is deployed to
   */
  readonly accountId?: string;
  /**
   * Partitions each new queue's messages are spread over: more shards spread a busy queue's writes over
   * more DynamoDB partitions, at the price of more reads for an empty receive.
   * @default - the runtime's default, 4
   */
  readonly shards?: number;
  /** @default - the endpoint is the HTTP API's own `https://{api-id}.execute-api.{region}.amazonaws.com` */
  readonly domain?: QueueServiceDomainProps;
  /** @default 'DynamoSQS' */
  readonly metricsNamespace?: string;
  /** How long the functions' logs and the API's access logs are kept. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** The functions' log level (Powertools). @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * The KMS key that encrypts access-key secrets. Only the request function may decrypt with it, and only
   * for that purpose; the keys CLI encrypts with the operator's own credentials.
   * @default - a new key with yearly rotation, retained when the stack goes (deleting it would lock every
   *   client out)
   */
  readonly accessKeyEncryptionKey?: IKey;
  /**
   * Memory of the request function, which also sets its CPU share (1,769 MB is one vCPU) and the price of each
   * second a long poll waits.
   * @default 256
   */
  readonly requestMemorySize?: number;
  /** Actions of the service alarms (API 5xx, function errors), e.g. an SNS topic. @default - no actions */
  readonly alarmActions?: IAlarmAction[];
}

/**
 * The SQS-compatible service: a DynamoDB table, an HTTP API whose every route goes to the request function,
 * a function that runs the background work every minute, the custom resource provider behind `Queue`, and a
 * dashboard with alarms. Usable in any stack; `QueueServiceStack` is a stack with one.
 */
export class QueueService extends Construct implements IQueueService {
  readonly queueTable: QueueTable;
  readonly api: HttpApi;
  readonly endpoint: string;
  readonly accountId: string;
  readonly region: string;
  readonly serviceToken: string;
  readonly metricsNamespace: string;
  /** The key that encrypts access-key secrets; the keys CLI needs its ARN. */
  readonly accessKeyEncryptionKey: IKey;
  readonly requestFunction: ServiceFunction;
  readonly backgroundFunction: ServiceFunction;
  readonly queueResourceFunction: ServiceFunction;
  /** The dispatcher that runs the queues' Lambda consumers (`QueueEventSource`). */
  readonly consumerDispatch: ConsumerDispatch;
  readonly consumerDispatcherRoleArn: string;
  /** The custom domain, when the props name one. */
  readonly domainName?: HttpDomainName;
  readonly monitoring: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: QueueServiceProps = {}) {
    super(scope, id);
    if (props.shards !== undefined && !Token.isUnresolved(props.shards)) {
      if (!Number.isInteger(props.shards) || props.shards < 1) {
        throw new Error(`QueueService shards must be a whole number of at least 1, got ${props.shards}`);
      }
    }
    const stack = Stack.of(this);
    this.accountId = props.accountId ?? stack.account;
    this.region = stack.region;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const logLevel = props.logLevel ?? 'INFO';

    this.queueTable = new QueueTable(this, 'Queues', props.table);
    this.accessKeyEncryptionKey =
      props.accessKeyEncryptionKey ??
      new Key(this, 'AccessKeyEncryptionKey', {
        description: 'Encrypts the access-key secrets of the SQS-compatible service',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const environment = {
      TABLE_NAME: this.queueTable.table.tableName,
      SQS_ACCOUNT_ID: this.accountId,
      ...(props.shards === undefined ? {} : { QUEUE_SHARDS: String(props.shards) }),
      POWERTOOLS_SERVICE_NAME: 'dynamo-sqs',
      POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
      POWERTOOLS_LOG_LEVEL: logLevel,
    };
    const functionDefaults = { logRetention, logRemovalPolicy: RemovalPolicy.DESTROY };

    this.requestFunction = new ServiceFunction(this, 'Request', {
      ...functionDefaults,
      entry: 'request',
      description: 'SQS-compatible service: answers every SQS request of the HTTP API',
      // Memory sets both the CPU share and the price of every second a long poll waits, which Lambda bills like
      // work: an idle 20 s poll costs 20 s x memory, whatever the wait's length (a client re-polls at once, so a
      // cap on the wait only adds requests). A request needs about 3 ms of a full core (SigV4, marshalling,
      // DynamoDB calls; docs/performance.md): about 20 ms at 256 MB (0.14 vCPU) on top of DynamoDB's latency,
      // against 10 ms at 512 MB. A request's GB-seconds are about the same at either size, while an idle
      // consumer costs half, so 256 MB is the default; raise it for lower latency and faster cold starts.
      // README, "Cost on AWS", has the figures.
      memorySize: props.requestMemorySize ?? 256,
      // API Gateway gives up on an integration after 30 s; the function stops first, and a 20-second long
      // poll ends 2 s before the function's own deadline (LONG_POLL_MARGIN_MS).
      timeout: Duration.seconds(29),
      environment: { ...environment, KEYS_KMS_KEY_ID: this.accessKeyEncryptionKey.keyArn },
    });
    this.backgroundFunction = new ServiceFunction(this, 'Background', {
      ...functionDefaults,
      entry: 'background',
      description: 'SQS-compatible service: message move tasks and per-queue metrics, every minute',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment,
    });
    this.queueResourceFunction = new ServiceFunction(this, 'QueueResource', {
      ...functionDefaults,
      entry: 'queueResource',
      description:
        'SQS-compatible service: creates, updates and deletes the queues declared in CloudFormation',
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment,
    });

    this.consumerDispatch = new ConsumerDispatch(this, 'Consumers', {
      environment,
      ...functionDefaults,
      kickers: [this.requestFunction, this.backgroundFunction],
      alarmActions: props.alarmActions ?? [],
    });
    this.consumerDispatcherRoleArn = this.consumerDispatch.dispatcherRole.roleArn;

    for (const each of [
      this.requestFunction,
      this.backgroundFunction,
      this.queueResourceFunction,
      this.consumerDispatch.dispatcher,
    ]) {
      this.grantTableAccess(each);
    }
    this.requestFunction.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.accessKeyEncryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': ENCRYPTION_PURPOSE } },
      }),
    );

    const schedule = new Rule(this, 'BackgroundSchedule', {
      description: 'Runs the SQS-compatible service background work every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
    });
    // A missed run is not retried: the next one comes a minute later and does the same work.
    schedule.addTarget(
      new LambdaFunction(this.backgroundFunction.function, {
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    );

    this.serviceToken = this.createQueueProvider(logRetention).serviceToken;

    const { api, domainName } = createHttpApi(this, {
      requestFunction: this.requestFunction.function,
      logRetention,
      ...(props.domain ? { domain: props.domain } : {}),
    });
    this.api = api;
    this.domainName = domainName;
    this.endpoint = props.domain ? `https://${props.domain.domainName}` : this.api.apiEndpoint;

    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      api: this.api,
      requestFunction: this.requestFunction.function,
      backgroundFunction: this.backgroundFunction.function,
      table: this.queueTable.table,
      metricsNamespace: this.metricsNamespace,
      alarmActions: props.alarmActions ?? [],
    });
    Validations.of(this.api.node.findChild('DefaultRoute')).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Every request is authenticated by the request function: AWS Signature Version 4 against the service's own access keys, as SQS clients sign; API Gateway's IAM authorizer would need an IAM user per client",
    });
  }

  private grantTableAccess(target: ServiceFunction): void {
    const { table, readyIndexArn, encryptionKey } = this.queueTable;
    target.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...TABLE_ACTIONS], resources: [table.tableArn] }),
    );
    target.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [readyIndexArn] }),
    );
    if (encryptionKey) {
      // DynamoDB uses a customer managed key with the caller's permissions, so the functions need the data-key
      // actions the AWS managed DynamoDB key grants every caller (and TableV2's grants add), spelt out rather
      // than as GenerateDataKey* and ReEncrypt*, and only through DynamoDB.
      target.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [
            'kms:Decrypt',
            'kms:Encrypt',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
          ],
          resources: [encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.amazonaws.com` } },
        }),
      );
    }
  }

  /**
   * The custom resource provider framework around the queue resource function. Its role may write its own log
   * group and invoke that function, instead of the AWS managed AWSLambdaBasicExecutionRole.
   */
  private createQueueProvider(logRetention: RetentionDays): Provider {
    const logGroup = new LogGroup(this, 'QueueProviderLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'QueueProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'SQS-compatible service: custom resource provider framework (execution role)',
    });
    logGroup.grantWrite(role);
    const provider = new Provider(this, 'QueueProvider', {
      onEventHandler: this.queueResourceFunction.function,
      logGroup,
      frameworkOnEventRole: role,
    });
    const functionLogicalId = Stack.of(this).resolve(
      (this.queueResourceFunction.function.node.defaultChild as CfnFunction).logicalId,
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        'The provider framework invokes the queue resource function by a qualified ARN (`:*`: its versions and aliases), as Provider grants it; the function is the only resource',
    });
    return provider;
  }
}

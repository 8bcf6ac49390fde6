/** Runtime settings, read once from the environment; the only place that reads `process.env`. */
export interface Config {
  /** DynamoDB table that holds queues and messages. */
  readonly tableName: string;
  /** @default - the regional endpoint; `npm start` points it at DynamoDB Local */
  readonly dynamodbEndpoint?: string;
  /** Account id shown in queue URLs and ARNs. */
  readonly accountId: string;
  /** Region shown in ARNs and used for the DynamoDB client. */
  readonly region: string;
  /** @default - the default AWS credential chain */
  readonly dynamodbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Partitions each new queue's messages are spread over. @default 4 */
  readonly shards?: number;
  /** CloudWatch namespace of the Lambda functions' metrics (`POWERTOOLS_METRICS_NAMESPACE`). @default 'DynamoSQS' */
  readonly metricsNamespace?: string;
}

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_TABLE_NAME = 'sqs';

/** Reads `TABLE_NAME`, `DYNAMODB_ENDPOINT`, `SQS_ACCOUNT_ID`, `AWS_REGION` and `QUEUE_SHARDS`. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    tableName: env.TABLE_NAME || DEFAULT_TABLE_NAME,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    accountId: env.SQS_ACCOUNT_ID || DEFAULT_ACCOUNT_ID,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION,
    shards: env.QUEUE_SHARDS ? Number(env.QUEUE_SHARDS) : undefined,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE || undefined,
  };
}

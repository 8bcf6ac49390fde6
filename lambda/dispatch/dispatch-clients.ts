import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Config } from '../config.js';
import { createDynamoDbClient } from '../create-service.js';
import type { CapacityMeter } from '../storage/dynamo/capacity-meter.js';
import { ConsumerItems } from '../storage/dynamo/consumers.js';
import { Db } from '../storage/dynamo/db.js';

/** What the consumer machinery of one container reaches: the table (its own client) and Lambda's Invoke API. */
export interface DispatchClients {
  readonly db: Db;
  readonly consumers: ConsumerItems;
  readonly lambda: LambdaClient;
  close(): void;
}

/**
 * The clients of the consumer machinery, configured as `createService` configures its own: the adapter decides
 * DynamoDB retries (`maxAttempts: 1`), every request has a timeout. Lambda's client keeps the SDK's retries:
 * a throttled Invoke never ran the function, and an Event invoke is queued by Lambda once it is accepted.
 */
export function createDispatchClients(config: Config, meter: CapacityMeter): DispatchClients {
  const dynamodb = createDynamoDbClient(config);
  const lambda = new LambdaClient({
    region: config.region,
    ...(config.lambdaEndpoint ? { endpoint: config.lambdaEndpoint } : {}),
  });
  const db = new Db(dynamodb, config.tableName, meter);
  return {
    db,
    consumers: new ConsumerItems(db, config.accountId),
    lambda,
    close: () => {
      dynamodb.destroy();
      lambda.destroy();
    },
  };
}

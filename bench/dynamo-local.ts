/** The bench runs the same DynamoDB Local starter as `npm start` (bin/dynamodb-local.ts), in memory. */
export {
  DUMMY_CREDENTIALS,
  type DynamoDbLocal as LocalDynamo,
  startDynamoDbLocal as startLocalDynamo,
} from '../bin/dynamodb-local.js';

export const REGION = 'us-east-1';

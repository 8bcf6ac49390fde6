import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { sleep } from './db.js';
import {
  PARTITION_KEY,
  READY_INDEX,
  READY_PARTITION_KEY,
  READY_PROJECTED,
  READY_SORT_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from './schema.js';

const READY_INDEX_DEFINITION: GlobalSecondaryIndex = {
  IndexName: READY_INDEX,
  KeySchema: [
    { AttributeName: READY_PARTITION_KEY, KeyType: 'HASH' },
    { AttributeName: READY_SORT_KEY, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...READY_PROJECTED] },
};

const ATTRIBUTES: CreateTableCommandInput['AttributeDefinitions'] = [
  { AttributeName: PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: SORT_KEY, AttributeType: 'S' },
  { AttributeName: READY_PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: READY_SORT_KEY, AttributeType: 'N' },
];

/**
 * Creates the table, its ready-groups index and its TTL when they are missing (local runs; a deployed stack
 * creates them with CDK). A table kept from before FIFO queues existed gets the index added.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (table) {
    const index = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === READY_INDEX);
    const projected = [...(index?.Projection?.NonKeyAttributes ?? [])].sort().join();
    if (index && projected !== [...READY_PROJECTED].sort().join()) {
      // An index from an earlier version of this service: rebuilt, since a projection cannot change in place.
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: READY_INDEX } }],
        }),
      );
      await waitForIndex(client, tableName, (i) => i === undefined);
    }
    if (!index || projected !== [...READY_PROJECTED].sort().join()) await addReadyIndex(client, tableName);
    return;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ATTRIBUTES,
        KeySchema: [
          { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: SORT_KEY, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [READY_INDEX_DEFINITION],
      }),
    );
  } catch (error) {
    // Another process created it first.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

async function addReadyIndex(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: ATTRIBUTES,
        GlobalSecondaryIndexUpdates: [{ Create: READY_INDEX_DEFINITION }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitForIndex(client, tableName, (index) => index?.IndexStatus === 'ACTIVE');
}

async function waitForIndex(
  client: DynamoDBClient,
  tableName: string,
  done: (index: GlobalSecondaryIndexDescription | undefined) => boolean,
): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 250) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (done(Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === READY_INDEX))) return;
    await sleep(250);
  }
  throw new Error(`table ${tableName}: index ${READY_INDEX} did not reach the expected state within 60 s`);
}

import { setMaxListeners } from 'node:events';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AccessKeys } from './auth/access-keys.js';
import { createAuth } from './auth/create-auth.js';
import type { Config } from './config.js';
import { type ConsoleHistory, createMemoryHistory, createTableHistory } from './console/console-history.js';
import { createConsoleHandler } from './console/index.js';
import { createTopics, type Topics } from './create-topics.js';
import { combineActivity, type QueueActivity } from './engine/activity.js';
import { systemClock } from './engine/clock.js';
import { MoveTaskRunner } from './engine/move-task-runner.js';
import { QueueEngine } from './engine/queue-engine.js';
import { QueueGauges } from './engine/queue-gauges.js';
import { ReceiptHandleCodec } from './engine/receipt-handle.js';
import type { SqsEngine } from './engine/types.js';
import { createRequestHandler } from './protocol/handle-request.js';
import type { RequestHandler, RequestOptions } from './protocol/http.js';
import { routeRequest } from './protocol/route-request.js';
import { CapacityMeter } from './storage/dynamo/capacity-meter.js';
import { Db } from './storage/dynamo/db.js';
import { DynamoStore } from './storage/dynamo/dynamo-store.js';
import { HistoryItems } from './storage/dynamo/history-items.js';
import { ensureTable } from './storage/dynamo/table.js';
import { withStorageDeadline } from './storage/request-deadline.js';
import type { TopicActivity } from './topics/fan-out.js';

/** A batch receive claims, reads and deletes wake pointers for up to 10 messages at once, in every shard it reads. */
const MAX_STORAGE_CALLS_IN_FLIGHT = 100;

/** See `Config.dynamodbRequestTimeoutMs`. */
export const DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS = 5_000;

/** A wired service: what both entries (node:http, API Gateway) and the benchmark need. */
export interface Service {
  readonly handler: RequestHandler;
  readonly engine: SqsEngine;
  /** DynamoDB capacity consumed so far, as AWS would bill it (failed conditional writes included). */
  readonly meter: CapacityMeter;
  /**
   * Moves the messages of message move tasks. Running in the background unless `runMoveTasks` was false; a
   * scheduled function calls its `runOnce` instead.
   */
  readonly moveTaskRunner: MoveTaskRunner;
  /** Measures every queue's depth and oldest message, for the background job's gauges. */
  readonly gauges: QueueGauges;
  /** SNS topics on the same endpoint (docs/design.md, "Topics"): engine, publisher and recovery of cut-off publishes. */
  readonly topics: Topics;
  /** The web console's per-queue history: the background job records each queue's depth in it. */
  readonly consoleHistory: ConsoleHistory;
  /** The table's access keys, when `config.auth` turned authentication on. @default - auth is off */
  readonly accessKeys?: AccessKeys;
  /** Stops the move task runner (releasing its tasks for another process), then releases the DynamoDB client. */
  close(): Promise<void>;
}

export interface CreateServiceOptions {
  /** Create the table (and its TTL) when it is missing: local runs do, Lambda does not. @default false */
  readonly ensureTable?: boolean;
  /**
   * Run message move tasks in the background of this process, from any instance's StartMessageMoveTask.
   * @default true - a server does; a Lambda function, frozen between requests, passes false and calls
   *   `moveTaskRunner.runOnce` from a schedule
   */
  readonly runMoveTasks?: boolean;
  /**
   * Refuse to start without `config.auth`: the request Lambda fails closed instead of serving unsigned requests.
   * @default false - local runs and the functions that serve no requests
   */
  readonly requireAuth?: boolean;
  /**
   * Told what each message action and move task did to which queue: the Lambda entry's metrics, and in-process
   * listeners such as local consumers (`combineActivity` reports to several). @default - nothing is told
   */
  readonly metrics?: QueueActivity;
  /**
   * Told what each publish did to which topic (published, delivered, filtered out, failed): the Lambda entry's
   * per-topic metrics. @default - nothing is told
   */
  readonly topicActivity?: TopicActivity;
  /**
   * Where the console's history lives: `memory`, kept and sampled each minute by this process; `table`, in the
   * table, where request functions add their counts and the background job the depth.
   * @default - `memory` when `runMoveTasks` (a long-running server), else `table` (Lambda functions)
   */
  readonly consoleHistory?: 'memory' | 'table';
}

/**
 * The DynamoDB client every part of the service uses: retries are decided by the storage adapter
 * (storage/dynamo/retry-policy.ts), which knows whether a retried write could lie, so the SDK's own (which would
 * retry conditional writes blindly) are off; every request has a timeout.
 */
export function createDynamoDbClient(config: Config): DynamoDBClient {
  const requestTimeout = config.dynamodbRequestTimeoutMs ?? DEFAULT_DYNAMODB_REQUEST_TIMEOUT_MS;
  return new DynamoDBClient({
    region: config.region,
    maxAttempts: 1,
    // Without throwOnRequestTimeout the handler only warns: a stalled request would wait for the deadline.
    requestHandler: {
      requestTimeout,
      connectionTimeout: Math.ceil(requestTimeout / 5),
      throwOnRequestTimeout: true,
    },
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    ...(config.dynamodbCredentials ? { credentials: config.dynamodbCredentials } : {}),
  });
}

/** Wires config, DynamoDB client, store and engine into the shared request handler. */
export async function createService(config: Config, options: CreateServiceOptions = {}): Promise<Service> {
  if (options.requireAuth && config.auth === undefined) {
    throw new Error(
      'authentication is required but no key cipher is configured: set KEYS_KMS_KEY_ID (the stack does) or KEYS_LOCAL_KEY',
    );
  }
  const client = createDynamoDbClient(config);
  if (options.ensureTable) await ensureTable(client, config.tableName);
  const meter = new CapacityMeter();
  const auth = config.auth
    ? createAuth(config.auth, { client, tableName: config.tableName, region: config.region, meter })
    : undefined;
  const store = new DynamoStore({ client, tableName: config.tableName, accountId: config.accountId, meter });
  const onHistoryError = (error: unknown) => console.error('console history:', error);
  const consoleHistory =
    (options.consoleHistory ?? ((options.runMoveTasks ?? true) ? 'memory' : 'table')) === 'memory'
      ? createMemoryHistory(systemClock, onHistoryError)
      : createTableHistory(
          new HistoryItems(new Db(client, config.tableName, meter), config.accountId),
          systemClock,
          onHistoryError,
        );
  const activity = options.metrics
    ? combineActivity(options.metrics, consoleHistory.activity)
    : consoleHistory.activity;
  const moveTaskRunner = new MoveTaskRunner({
    store,
    clock: systemClock,
    accountId: config.accountId,
    region: config.region,
    onError: (error) => console.error('message move task runner:', error),
    activity,
  });
  const engine = new QueueEngine({
    store,
    clock: systemClock,
    onMoveTaskChange: () => moveTaskRunner.wake(),
    receiptHandles: new ReceiptHandleCodec(await store.loadReceiptSecret()),
    accountId: config.accountId,
    region: config.region,
    ...(config.shards ? { shards: config.shards } : {}),
    activity,
  });
  if (options.runMoveTasks ?? true) moveTaskRunner.start();
  const topics = createTopics({
    client,
    tableName: config.tableName,
    accountId: config.accountId,
    region: config.region,
    meter,
    sqs: engine,
    ...(auth ? { auth: auth.authenticator } : {}),
    ...(options.topicActivity ? { activity: options.topicActivity } : {}),
  });
  if (options.runMoveTasks ?? true) topics.recovery.start();
  const gauges = new QueueGauges({ store, clock: systemClock });
  consoleHistory.start(store);
  const consoleHandler = createConsoleHandler({
    engine,
    store,
    clock: systemClock,
    history: consoleHistory.history,
    topics: topics.engine,
    ...(auth ? { auth: auth.authenticator } : {}),
  });
  return {
    handler: withDeadlines(
      routeRequest({
        queues: createRequestHandler(engine, { auth: auth?.authenticator }),
        console: consoleHandler,
        topics: topics.handler,
      }),
    ),
    engine,
    meter,
    moveTaskRunner,
    gauges,
    consoleHistory,
    topics,
    ...(auth ? { accessKeys: auth.accessKeys } : {}),
    close: async () => {
      await moveTaskRunner.stop();
      await topics.recovery.stop();
      await consoleHistory.stop();
      auth?.close();
      client.destroy();
    },
  };
}

/**
 * Every storage call a request makes ends by the request's deadline, or when its client goes away: a stalled
 * DynamoDB never holds a request past it (the client gets ServiceUnavailable and retries).
 */
function withDeadlines(handler: RequestHandler): RequestHandler {
  return (request, options: RequestOptions = {}) => {
    // A Lambda's signal is its long polls' earlier deadline: its storage calls run on to `deadlineMs`.
    const signal =
      options.deadlineMs === undefined
        ? options.signal
        : AbortSignal.timeout(Math.max(0, options.deadlineMs - Date.now()));
    // A receive's parallel claims and reads each listen to it: more than Node's default 10 is expected.
    if (signal) setMaxListeners(MAX_STORAGE_CALLS_IN_FLIGHT, signal);
    return withStorageDeadline(signal, () => handler(request, options));
  };
}

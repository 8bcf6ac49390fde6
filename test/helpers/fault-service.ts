/**
 * The service under fault: a fault proxy in front of a DynamoDB endpoint, the service on a fresh table behind it
 * (auth off), and the real SQS SDK with its retries on, as users run it. Needs no vitest, so bench/faults.ts
 * runs the same stack.
 */
import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../../lambda/config.js';
import { createService, type Service } from '../../lambda/create-service.js';
import { startNodeServer } from '../../lambda/entries/node-server.js';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { createJsonApi } from './json-api.js';
import type { ReceivedMessage } from './sqs-api.js';
import { type SqsApi, SqsClientError } from './sqs-api.js';
import type { TestQueue } from './test-queue.js';

/** The SQS errors a client may see while storage fails: every SDK retries them. */
export const RETRYABLE_SQS_CODES = ['RequestThrottled', 'InternalError', 'ServiceUnavailable'] as const;

/** Network failures the SDK retries before it gives up and surfaces them. */
const NETWORK_ERROR_CODES = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'];

/** What a client saw when a call failed: the SQS code, or the network error's code. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof SqsClientError) return error.code;
  const details = error as { code?: string; name?: string };
  return details.code ?? details.name ?? String(error);
}

/** A status-bearing SQS error every SDK retries, or a network error the SDK retried until it gave up. */
export function isRetryableClientError(error: unknown): boolean {
  if (error instanceof SqsClientError) return (RETRYABLE_SQS_CODES as readonly string[]).includes(error.code);
  const code = errorCodeOf(error);
  return NETWORK_ERROR_CODES.includes(code) || code === 'TimeoutError';
}

export interface FaultyService {
  readonly proxy: FaultProxy;
  readonly service: Service;
  readonly url: string;
  readonly tableName: string;
  /** The SDK client, retries on (`maxAttempts`), with a request timeout so a hang is an error, not a stuck test. */
  readonly sqs: SQSClient;
  /** {@link SqsApi} over `sqs`. */
  readonly api: SqsApi;
  /** Creates a uniquely named queue (create it before turning faults on). */
  createQueue(attributes?: Readonly<Record<string, string>>, prefix?: string): Promise<TestQueue>;
  close(): Promise<void>;
}

export interface FaultyServiceOptions {
  /** The DynamoDB the proxy forwards to. */
  readonly dynamodbEndpoint: string;
  /** @default - a new unique name */
  readonly tableName?: string;
  /** SDK attempts per SQS call, as a user would configure them so throttles are absorbed. @default 6 */
  readonly maxAttempts?: number;
  /** @default 15_000: longer than any receive the tests make (WaitTimeSeconds <= 2) */
  readonly requestTimeoutMs?: number;
}

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';

/** Starts proxy, service and client; `close()` stops all three. */
export async function startFaultyService(options: FaultyServiceOptions): Promise<FaultyService> {
  const proxy = await startFaultProxy({ target: options.dynamodbEndpoint });
  const config: Config = {
    tableName: options.tableName ?? `faults-${randomUUID().slice(0, 8)}`,
    dynamodbEndpoint: proxy.endpoint,
    accountId: ACCOUNT_ID,
    region: REGION,
    dynamodbCredentials: DUMMY_CREDENTIALS,
  };
  const service = await createService(config, { ensureTable: true });
  const running = await startNodeServer({ handler: service.handler, port: 0 });
  const sqs = createRetryingClient(running.url, options);
  const api = createJsonApi(sqs);
  return {
    proxy,
    service,
    url: running.url,
    tableName: config.tableName,
    sqs,
    api,
    createQueue: async (attributes = {}, prefix = 'fault') => {
      const name = `${prefix}-${randomUUID().slice(0, 13)}${attributes.FifoQueue === 'true' ? '.fifo' : ''}`;
      return bindFaultQueue(api, name, await api.createQueue(name, attributes));
    },
    close: async () => {
      proxy.clear();
      sqs.destroy();
      await running.close();
      await service.close();
      await proxy.stop();
    },
  };
}

/** The SQS SDK as users run it: standard retries, here with a few more attempts and a request timeout. */
export function createRetryingClient(
  endpoint: string,
  options: { maxAttempts?: number; requestTimeoutMs?: number } = {},
): SQSClient {
  return new SQSClient({
    endpoint,
    region: REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 6,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 15_000, throwOnRequestTimeout: true },
  });
}

/**
 * A {@link TestQueue} for `url` (test-queue.ts's `bindQueue`, which this module cannot import: that one loads
 * vitest, and bench/faults.ts runs without it).
 */
export function bindFaultQueue(api: SqsApi, name: string, url: string): TestQueue {
  const receive: TestQueue['receive'] = (options) => api.receiveMessage(url, options);
  return {
    protocol: api.protocol,
    api,
    name,
    url,
    arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`,
    send: (body, options) => api.sendMessage(url, body, options),
    sendBatch: (entries) => api.sendMessageBatch(url, entries),
    receive,
    receiveAll: async (count, options = {}, deadlineMs = 15_000) => {
      const seen = new Map<string, Awaited<ReturnType<TestQueue['receive']>>[number]>();
      const deadline = Date.now() + deadlineMs;
      while (seen.size < count && Date.now() < deadline) {
        for (const message of await receive({ maxNumberOfMessages: 10, ...options })) {
          seen.set(message.messageId, message);
        }
      }
      return [...seen.values()];
    },
    delete: (receiptHandle) => api.deleteMessage(url, receiptHandle),
    deleteBatch: (entries) => api.deleteMessageBatch(url, entries),
    changeVisibility: (receiptHandle, timeout) => api.changeMessageVisibility(url, receiptHandle, timeout),
    changeVisibilityBatch: (entries) => api.changeMessageVisibilityBatch(url, entries),
    getAttributes: (names) => api.getQueueAttributes(url, names),
    setAttributes: (attributes) => api.setQueueAttributes(url, attributes),
    purge: () => api.purgeQueue(url),
    tag: (tags) => api.tagQueue(url, tags),
    untag: (keys) => api.untagQueue(url, keys),
    listTags: () => api.listQueueTags(url),
    deleteQueue: () => api.deleteQueue(url),
  };
}

/** Receives (deleting nothing) until a message with `body` arrives or `deadlineMs` passes. */
export async function receiveUntil(
  queue: TestQueue,
  body: string,
  deadlineMs: number,
): Promise<ReceivedMessage[]> {
  const found: ReceivedMessage[] = [];
  const deadline = Date.now() + deadlineMs;
  while (found.length === 0 && Date.now() < deadline) {
    const messages = await queue.receive({ maxNumberOfMessages: 10, waitTimeSeconds: 1 });
    found.push(...messages.filter((m) => m.body === body));
  }
  return found;
}

/** Messages in the queue, visible, in flight or delayed: counts see every stored message at once. */
export async function messagesIn(queue: TestQueue): Promise<number> {
  const counts = await queue.getAttributes([
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ]);
  return Object.values(counts).reduce((sum, n) => sum + Number(n), 0);
}

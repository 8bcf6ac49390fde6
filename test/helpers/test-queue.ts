import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { registerCleanup } from './cleanup.js';
import { createJsonApi } from './json-api.js';
import { createJsonClient } from './json-client.js';
import { pollUntil } from './poll.js';
import { createQueryApi } from './query-api.js';
import { QueryClient } from './query-client.js';
import { sharedTestServer, TEST_ACCOUNT_ID, TEST_REGION } from './server.js';
import {
  type BatchResult,
  type Protocol,
  type ReceivedMessage,
  type ReceiveOptions,
  type SendBatchEntry,
  type SendOptions,
  type SendResult,
  type SqsApi,
  SqsClientError,
} from './sqs-api.js';

export { PROTOCOLS, type Protocol } from './sqs-api.js';

/** The raw clients for the current file's server, for requests the {@link SqsApi} cannot express. */
export interface Clients {
  readonly url: string;
  readonly sqs: SQSClient;
  readonly query: QueryClient;
  readonly json: SqsApi;
  readonly queryApi: SqsApi;
}

let clients: Promise<Clients> | undefined;

/** Clients for this test file's shared server; created once, destroyed after the file. */
export function testClients(): Promise<Clients> {
  if (clients === undefined) {
    clients = sharedTestServer().then((server) => {
      const sqs = createJsonClient(server.url);
      const query = new QueryClient(server.url);
      registerCleanup(() => {
        clients = undefined;
        sqs.destroy();
      });
      return { url: server.url, sqs, query, json: createJsonApi(sqs), queryApi: createQueryApi(query) };
    });
  }
  return clients;
}

/** The {@link SqsApi} for `protocol` on this file's server. */
export async function apiFor(protocol: Protocol): Promise<SqsApi> {
  const { json, queryApi } = await testClients();
  return protocol === 'json' ? json : queryApi;
}

/** A queue name no other test uses: `prefix-<random>`, a valid SQS name. */
export function uniqueQueueName(prefix = 'q'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

/** The ARN SQS gives a queue in the test account and region. */
export function queueArn(queueName: string): string {
  return `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${queueName}`;
}

/** A queue bound to one protocol; every call goes over that protocol. */
export interface TestQueue {
  readonly protocol: Protocol;
  readonly api: SqsApi;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  send(body: string, options?: SendOptions): Promise<SendResult>;
  sendBatch(entries: readonly SendBatchEntry[]): Promise<BatchResult<SendResult & { id: string }>>;
  receive(options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Receives until `count` messages (by distinct id) have arrived or the deadline passes. */
  receiveAll(count: number, options?: ReceiveOptions, deadlineMs?: number): Promise<ReceivedMessage[]>;
  delete(receiptHandle: string): Promise<void>;
  deleteBatch(
    entries: readonly { id: string; receiptHandle: string }[],
  ): Promise<BatchResult<{ id: string }>>;
  changeVisibility(receiptHandle: string, visibilityTimeout: number): Promise<void>;
  changeVisibilityBatch(
    entries: readonly { id: string; receiptHandle: string; visibilityTimeout: number }[],
  ): Promise<BatchResult<{ id: string }>>;
  getAttributes(names?: readonly string[]): Promise<Record<string, string>>;
  setAttributes(attributes: Readonly<Record<string, string>>): Promise<void>;
  purge(): Promise<void>;
  tag(tags: Readonly<Record<string, string>>): Promise<void>;
  untag(tagKeys: readonly string[]): Promise<void>;
  listTags(): Promise<Record<string, string>>;
  deleteQueue(): Promise<void>;
}

export interface TestQueueOptions {
  /** @default - a unique name (with `.fifo` when attributes say FifoQueue=true) */
  readonly name?: string;
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Creates a uniquely named queue over `protocol` and returns it bound to that protocol. */
export async function createTestQueue(
  protocol: Protocol,
  attributes: Readonly<Record<string, string>> = {},
  options: TestQueueOptions = {},
): Promise<TestQueue> {
  const api = await apiFor(protocol);
  const name = options.name ?? uniqueQueueName() + (attributes.FifoQueue === 'true' ? '.fifo' : '');
  const url = await api.createQueue(name, attributes, options.tags);
  return bindQueue(api, name, url);
}

/** A {@link TestQueue} for an existing queue URL. */
export function bindQueue(api: SqsApi, name: string, url: string): TestQueue {
  const receive = (options?: ReceiveOptions) => api.receiveMessage(url, options);
  return {
    protocol: api.protocol,
    api,
    name,
    url,
    arn: queueArn(name),
    send: (body, options) => api.sendMessage(url, body, options),
    sendBatch: (entries) => api.sendMessageBatch(url, entries),
    receive,
    receiveAll: async (count, options = {}, deadlineMs = 15_000) => {
      const seen = new Map<string, ReceivedMessage>();
      await pollUntil(async () => {
        for (const message of await receive({ maxNumberOfMessages: 10, ...options })) {
          seen.set(message.messageId, message);
        }
        return seen.size >= count;
      }, deadlineMs);
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

/**
 * SQS's legacy (Query) code for each JSON error shape, from the reference's error table. A test oracle
 * of its own: deliberately not imported from the product's wire-error table.
 */
export const LEGACY_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

/** What a client should see for `code` (the JSON shape name) over `protocol`. */
export function expectedError(
  protocol: Protocol,
  code: string,
  status: number,
  message?: string,
): { status: number; code: string; queryCode: string; message?: string } {
  const legacy = LEGACY_CODES[code] ?? code;
  return {
    status,
    // The SDK names an error after its modeled shape; an unmodeled one after the x-amzn-query-error code.
    code: protocol === 'json' ? code : legacy,
    queryCode: legacy,
    ...(message !== undefined ? { message } : {}),
  };
}

/** The error `promise` rejects with, as plain data; fails the test if it resolves. */
export async function catchError(
  promise: Promise<unknown>,
): Promise<{ status: number; code: string; queryCode: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SqsClientError) {
      return { status: error.status, code: error.code, queryCode: error.queryCode, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the call to fail with an SQS error, but it succeeded');
}

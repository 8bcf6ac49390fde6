import { createHash } from 'node:crypto';
import type { SqsEngine } from '../../lambda/engine/types.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';

/** One call the protocol layer made: the engine method and the input it decoded. */
export interface EngineCall {
  readonly method: keyof SqsEngine;
  readonly input: unknown;
}

/** An engine that records what it is asked and answers with canned results, or with `overrides`. */
export interface FakeEngine extends SqsEngine {
  readonly calls: EngineCall[];
  /** The input of the only call made. */
  lastInput(): unknown;
}

export const ACCOUNT_ID = '123456789012';
export const HOST = 'sqs.test:9324';

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** A fake engine; every method can be replaced. */
export function fakeEngine(overrides: Partial<SqsEngine> = {}): FakeEngine {
  const calls: EngineCall[] = [];
  const record =
    <I, R>(method: keyof SqsEngine, answer: (input: I) => R) =>
    async (input: I): Promise<R> => {
      calls.push({ method, input });
      const override = overrides[method] as ((input: I) => Promise<R>) | undefined;
      return override === undefined ? answer(input) : override(input);
    };
  return {
    accountId: ACCOUNT_ID,
    region: 'us-east-1',
    calls,
    lastInput: () => {
      if (calls.length !== 1) throw new Error(`expected one engine call, got ${calls.length}`);
      return calls[0]?.input;
    },
    createQueue: record('createQueue', (input: { queueName: string }) => ({ queueName: input.queueName })),
    getQueueUrl: record('getQueueUrl', (input: { queueName: string }) => ({ queueName: input.queueName })),
    listQueues: record('listQueues', () => ({ queueNames: [] })),
    deleteQueue: record('deleteQueue', () => undefined),
    getQueueAttributes: record('getQueueAttributes', () => ({})),
    setQueueAttributes: record('setQueueAttributes', () => undefined),
    purgeQueue: record('purgeQueue', () => undefined),
    tagQueue: record('tagQueue', () => undefined),
    untagQueue: record('untagQueue', () => undefined),
    listQueueTags: record('listQueueTags', () => ({})),
    listDeadLetterSourceQueues: record('listDeadLetterSourceQueues', () => ({ queueNames: [] })),
    sendMessage: record('sendMessage', (input: { messageBody: string }) => ({
      messageId: 'message-1',
      md5OfMessageBody: md5(input.messageBody),
    })),
    sendMessageBatch: record('sendMessageBatch', () => ({ successful: [], failed: [] })),
    receiveMessage: record('receiveMessage', () => ({ messages: [] })),
    deleteMessage: record('deleteMessage', () => undefined),
    deleteMessageBatch: record('deleteMessageBatch', () => ({ successful: [], failed: [] })),
    changeMessageVisibility: record('changeMessageVisibility', () => undefined),
    changeMessageVisibilityBatch: record('changeMessageVisibilityBatch', () => ({
      successful: [],
      failed: [],
    })),
    startMessageMoveTask: record('startMessageMoveTask', () => ({ taskHandle: 'task-handle-1' })),
    listMessageMoveTasks: record('listMessageMoveTasks', () => ({ results: [] })),
    cancelMessageMoveTask: record('cancelMessageMoveTask', () => ({ approximateNumberOfMessagesMoved: 0 })),
  };
}

/** The URL of a queue as the handler builds it for requests to {@link HOST}. */
export function queueUrl(queueName: string): string {
  return `http://${HOST}/${ACCOUNT_ID}/${queueName}`;
}

/** An AWS JSON 1.0 request, as `@aws-sdk/client-sqs` sends it. */
export function jsonRequest(
  action: string,
  body: unknown,
  headers: Record<string, string> = {},
): HttpRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      host: HOST,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A Query request: a form-encoded POST to `path`, or a GET with the parameters in the URL. */
export function queryRequest(
  params: Record<string, string>,
  options: { method?: 'GET' | 'POST'; path?: string } = {},
): HttpRequest {
  const encoded = new URLSearchParams(params).toString();
  const method = options.method ?? 'POST';
  return {
    method,
    path: options.path ?? '/',
    query: method === 'GET' ? encoded : '',
    headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: method === 'POST' ? encoded : '',
  };
}

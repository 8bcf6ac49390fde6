import type {
  CreateQueueInput,
  GroupPage,
  History,
  MoveTask,
  PeekedMessage,
  PeekPage,
  QueueDetail,
  QueueList,
  SendInput,
  SendResult,
  Session,
  TopicDetail,
  TopicSummary,
} from './api-types';
import { loadCredentials } from './session';
import { type Credentials, signRequest } from './signing';

const API_ROOT = '/console/api';

/** An answer of the console API that was not a success: its code and message, as the API wrote them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** Codes that mean "who you are" failed, rather than "what you asked". */
const SIGN_IN_CODES = new Set([
  'MissingAuthenticationToken',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

/** Whether an error means the page should (again) ask for an access key. */
export function needsSignIn(error: unknown): boolean {
  return error instanceof ApiError && SIGN_IN_CODES.has(error.code);
}

type Query = Record<string, string | number | undefined>;

/** Percent-encodes as SigV4's canonical query does (RFC 3986 unreserved characters kept). */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function queuePath(name: string): string {
  return `/queues/${encodeRfc3986(name)}`;
}

/**
 * Calls the console API: signs with the session's access key when there is one (explicit credentials win,
 * for the sign-in check) and turns error answers into ApiError.
 */
export async function call<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; credentials?: Credentials } = {},
): Promise<T> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') query[name] = String(value);
  }
  const fullPath = `${API_ROOT}${path}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const credentials = options.credentials ?? loadCredentials();
  if (credentials !== undefined) {
    headers = await signRequest(
      { method, path: fullPath, query, headers, ...(body === undefined ? {} : { body }) },
      credentials,
    );
  }
  const search = Object.entries(query)
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join('&');
  let response: Response;
  try {
    response = await fetch(search === '' ? fullPath : `${fullPath}?${search}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'The service did not answer. Is it running?');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(
      response.status,
      'UnexpectedAnswer',
      `The service answered ${response.status} with something that is not JSON.`,
    );
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
    const refusal = new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP${response.status}`,
      typeof error?.message === 'string' ? error.message : `The service answered ${response.status}.`,
    );
    // A key revoked (or a secret changed) while the page is open: the app asks for a key again.
    if (needsSignIn(refusal) && options.credentials === undefined && credentials !== undefined) {
      dispatchEvent(new CustomEvent(KEY_REFUSED_EVENT, { detail: refusal.message }));
    }
    throw refusal;
  }
  return parsed as T;
}

/** Fired on window when the stored access key is refused; `detail` is the service's message. */
export const KEY_REFUSED_EVENT = 'console:key-refused';

/** The calls the page makes, one per API endpoint. */
export const api = {
  session: (credentials?: Credentials) =>
    call<Session>('GET', '/session', credentials === undefined ? {} : { credentials }),
  listQueues: (query: { filter?: string; sort?: 'name' | 'backlog'; limit?: number; cursor?: string }) =>
    call<QueueList>('GET', '/queues', { query }),
  queue: (name: string) => call<QueueDetail>('GET', queuePath(name)),
  createQueue: (input: CreateQueueInput) =>
    call<{ name: string; url: string; arn: string }>('POST', '/queues', { body: input }),
  deleteQueue: (name: string, confirm: string) =>
    call<{ deleted: true }>('DELETE', queuePath(name), { body: { confirm } }),
  purgeQueue: (name: string, confirm: string) =>
    call<{ purged: true }>('POST', `${queuePath(name)}/purge`, { body: { confirm } }),
  peek: (
    name: string,
    query: {
      order?: 'oldest' | 'newest';
      limit?: number;
      cursor?: string;
      contains?: string;
      group?: string;
    },
  ) => call<PeekPage>('GET', `${queuePath(name)}/messages`, { query }),
  message: (name: string, messageId: string, locator: string) =>
    call<PeekedMessage>('GET', `${queuePath(name)}/messages/${encodeRfc3986(messageId)}`, {
      query: { locator },
    }),
  deleteMessage: (name: string, messageId: string, locator: string) =>
    call<{ deleted: true }>('DELETE', `${queuePath(name)}/messages/${encodeRfc3986(messageId)}`, {
      query: { locator },
    }),
  send: (name: string, input: SendInput) =>
    call<SendResult>('POST', `${queuePath(name)}/messages`, { body: input }),
  groups: (name: string, cursor?: string) =>
    call<GroupPage>('GET', `${queuePath(name)}/groups`, { query: { limit: 1000, cursor } }),
  moveTasks: (name: string) => call<{ tasks: MoveTask[] }>('GET', `${queuePath(name)}/move-tasks`),
  startRedrive: (name: string, input: { destination?: string; maxNumberOfMessagesPerSecond?: number }) =>
    call<{ taskHandle: string }>('POST', `${queuePath(name)}/move-tasks`, { body: input }),
  cancelRedrive: (name: string, taskHandle: string) =>
    call<{ moved: number }>('POST', `${queuePath(name)}/move-tasks/cancel`, { body: { taskHandle } }),
  history: (name: string) => call<History>('GET', `${queuePath(name)}/history`),
  listTopics: () => call<{ topics: TopicSummary[] }>('GET', '/topics'),
  topic: (name: string) => call<TopicDetail>('GET', `/topics/${encodeRfc3986(name)}`),
};

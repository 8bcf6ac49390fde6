import { randomUUID } from 'node:crypto';
import type { Authenticator, Caller } from '../auth/authenticator.js';
import { type ConsolePermission, consoleQueues } from '../auth/policy.js';
import type { Clock } from '../engine/clock.js';
import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import type { HttpRequest, HttpResponse, RequestHandler } from '../protocol/http.js';
import { CONSOLE_PATH } from '../protocol/route-request.js';
import type { Store } from '../storage/store.js';
import type { TopicEngine } from '../topics/topic-engine.js';
import {
  type ConsoleAnswer,
  type ConsoleCall,
  type ConsoleServices,
  ok,
  permittedQueues,
  requirePermission,
} from './console-context.js';
import { ConsoleError, decodeSegment, errorAnswer, jsonAnswer, readQuery } from './console-http.js';
import { HISTORY_INTERVAL_MS, type QueueHistory } from './history.js';
import { MessageBrowser } from './message-browser.js';
import { deleteMessage, listGroups, peekMessages, readMessage, sendMessage } from './messages-api.js';
import { QueueOverview } from './queue-overview.js';
import {
  cancelMoveTask,
  createQueue,
  deleteQueue,
  describeQueue,
  listMoveTasks,
  listQueues,
  purgeQueue,
  startMoveTask,
} from './queues-api.js';
import { serveConsoleAsset } from './static.js';
import { describeTopicPage, listTopics } from './topics-api.js';

/** Where the JSON API lives; everything else under `/console` is the page's files. */
export const CONSOLE_API_PATH = `${CONSOLE_PATH}/api`;

export interface ConsoleOptions {
  readonly engine: SqsEngine;
  readonly store: Store;
  readonly clock: Clock;
  readonly history: QueueHistory;
  /** The SNS topics' engine: the console shows topics and their subscriptions, read-only. */
  readonly topics: TopicEngine;
  /** Verifies SigV4 signatures, as for the SQS API. @default - auth off: the console is open */
  readonly auth?: Authenticator;
}

type Handler = (call: ConsoleCall, ...segments: string[]) => Promise<ConsoleAnswer>;

/** One API path: its methods, each with the permission it needs (undefined: any signed caller). */
interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, { permission?: ConsolePermission; handler: Handler }>>;
  /**
   * Which captured segment is the queue name the permission applies to (a topic's name is matched against the same
   * patterns). @default - none
   */
  readonly queueSegment?: number;
  /** What the first captured segment is called in errors. @default 'queue name' */
  readonly firstSegment?: string;
}

const Q = '([^/]+)';

const ROUTES: readonly Route[] = [
  { pattern: /^\/session$/, methods: { GET: { handler: session } } },
  {
    pattern: /^\/queues$/,
    methods: {
      GET: { permission: 'console:Read', handler: listQueues },
      POST: { permission: 'console:Write', handler: createQueue },
    },
  },
  {
    pattern: new RegExp(`^/queues/${Q}$`),
    queueSegment: 0,
    methods: {
      GET: { permission: 'console:Read', handler: describeQueue },
      DELETE: { permission: 'console:Write', handler: deleteQueue },
    },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/purge$`),
    queueSegment: 0,
    methods: { POST: { permission: 'console:Write', handler: purgeQueue } },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/messages$`),
    queueSegment: 0,
    methods: {
      GET: { permission: 'console:Read', handler: peekMessages },
      POST: { permission: 'console:Write', handler: sendMessage },
    },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/messages/${Q}$`),
    queueSegment: 0,
    methods: {
      GET: { permission: 'console:Read', handler: readMessage },
      DELETE: { permission: 'console:Write', handler: deleteMessage },
    },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/groups$`),
    queueSegment: 0,
    methods: { GET: { permission: 'console:Read', handler: listGroups } },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/move-tasks$`),
    queueSegment: 0,
    methods: {
      GET: { permission: 'console:Read', handler: listMoveTasks },
      POST: { permission: 'console:Write', handler: startMoveTask },
    },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/move-tasks/cancel$`),
    queueSegment: 0,
    methods: { POST: { permission: 'console:Write', handler: cancelMoveTask } },
  },
  {
    pattern: new RegExp(`^/queues/${Q}/history$`),
    queueSegment: 0,
    methods: { GET: { permission: 'console:Read', handler: queueHistory } },
  },
  { pattern: /^\/topics$/, methods: { GET: { permission: 'console:Read', handler: listTopics } } },
  {
    pattern: new RegExp(`^/topics/${Q}$`),
    queueSegment: 0,
    firstSegment: 'topic name',
    methods: { GET: { permission: 'console:Read', handler: describeTopicPage } },
  },
];

/**
 * The console's request handler, for `/console` and everything under it: `/console/api/...` is the JSON API
 * (docs/console-api.md), authenticated as the SQS API is; any other path is the page (`serveConsoleAsset`). It never
 * throws: anything that is not an SQS or console error is an InternalError (500), its cause in the summary only.
 */
export function createConsoleHandler(options: ConsoleOptions): RequestHandler {
  const services: ConsoleServices = {
    engine: options.engine,
    browser: new MessageBrowser({ store: options.store, clock: options.clock }),
    overview: new QueueOverview({
      store: options.store,
      clock: options.clock,
      accountId: options.engine.accountId,
      region: options.engine.region,
    }),
    history: options.history,
    clock: options.clock,
    topics: options.topics,
  };
  return async (request, requestOptions = {}) => {
    const requestId = randomUUID();
    const isApi = request.path === CONSOLE_API_PATH || request.path.startsWith(`${CONSOLE_API_PATH}/`);
    if (!isApi) return serveAsset(request, requestId);
    let caller: Caller | undefined;
    try {
      if (options.auth !== undefined) {
        const authentication = await options.auth.authenticate(request);
        if (!authentication.ok) throw new SqsError(authentication.code, authentication.message);
        caller = authentication.caller;
      }
      const call: ConsoleCall = {
        services,
        request,
        query: readQuery(request.query),
        authOn: options.auth !== undefined,
        ...(caller ? { caller } : {}),
        ...(requestOptions.signal ? { signal: requestOptions.signal } : {}),
      };
      const answer = await dispatch(call, request.path.slice(CONSOLE_API_PATH.length));
      return {
        ...jsonAnswer(requestId, answer.status, answer.body),
        summary: summaryOf(requestId, request, caller),
      };
    } catch (error) {
      const known = error instanceof SqsError || error instanceof ConsoleError;
      const answered = known
        ? error
        : new SqsError('InternalError', 'We encountered an internal error. Please try again.');
      return {
        ...errorAnswer(requestId, answered),
        summary: {
          ...summaryOf(requestId, request, caller),
          errorCode: answered.code,
          ...(known ? {} : { cause: error }),
        },
      };
    }
  };
}

async function dispatch(call: ConsoleCall, path: string): Promise<ConsoleAnswer> {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const method = route.methods[call.request.method];
    if (!method) {
      throw new ConsoleError('MethodNotAllowed', `${short(call.request.method)} is not allowed here.`, {
        allow: Object.keys(route.methods).join(', '),
      });
    }
    const segments = match
      .slice(1)
      .map((segment, index) =>
        decodeSegment(segment ?? '', index === 0 ? (route.firstSegment ?? 'queue name') : 'message id'),
      );
    const queueName = route.queueSegment === undefined ? undefined : segments[route.queueSegment];
    if (method.permission !== undefined) {
      if (queueName === undefined) permittedQueues(call, method.permission);
      else requirePermission(call, method.permission, queueName);
    }
    return method.handler(call, ...segments);
  }
  throw new ConsoleError('NotFound', 'There is no such console API path.');
}

/** GET /console/api/session. */
async function session(call: ConsoleCall): Promise<ConsoleAnswer> {
  const { engine } = call.services;
  const can = (permission: ConsolePermission) =>
    call.caller === undefined || consoleQueues(call.caller.policy, permission) !== undefined;
  return ok({
    accountId: engine.accountId,
    region: engine.region,
    auth: call.authOn,
    ...(call.caller ? { accessKeyId: call.caller.accessKeyId, keyName: call.caller.name } : {}),
    canRead: can('console:Read'),
    canWrite: can('console:Write'),
  });
}

/** GET /console/api/queues/{name}/history. */
async function queueHistory(call: ConsoleCall, queueName: string): Promise<ConsoleAnswer> {
  await call.services.browser.queue(queueName);
  const samples = await call.services.history.samples(queueName, call.services.clock.nowMs());
  return ok({ intervalSeconds: HISTORY_INTERVAL_MS / 1_000, samples });
}

function serveAsset(request: HttpRequest, requestId: string): HttpResponse {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorAnswer(
      requestId,
      new ConsoleError('MethodNotAllowed', 'The console page is read with GET.', { allow: 'GET, HEAD' }),
    );
  }
  return (
    serveConsoleAsset(request.path) ??
    errorAnswer(requestId, new ConsoleError('NotFound', 'There is no such console page.'))
  );
}

function summaryOf(requestId: string, request: HttpRequest, caller: Caller | undefined) {
  return {
    requestId,
    action: `console ${short(request.method)}`,
    ...(caller ? { accessKeyId: caller.accessKeyId } : {}),
  };
}

function short(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > 16 ? `${safe.slice(0, 16)}...` : safe;
}

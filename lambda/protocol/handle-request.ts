import { randomUUID } from 'node:crypto';
import type { Authenticator, Caller } from '../auth/authenticator.js';
import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import { type Action, findAction, type WireContext } from './actions/index.js';
import { authorize } from './authorize.js';
import type { WireFields } from './fields.js';
import type { HttpRequest, HttpResponse, RequestHandler } from './http.js';
import { isJsonRequest, jsonErrorResponse, jsonResponse, jsonTargetAction, parseJsonBody } from './json.js';
import { queryErrorResponse, queryResponse, readQueryRequest } from './query.js';
import { queueUrlsFor } from './queue-url.js';
import { requiredAccess } from './request-queues.js';

/** The longest action name echoed back in an error message; longer ones are cut. */
const MAX_ECHOED_ACTION_LENGTH = 128;

/** What the shared handler checks besides the request itself. */
export interface RequestHandlerOptions {
  /**
   * Verifies every request's SigV4 signature, and the key's policy, before anything else happens.
   * @default - no authentication: any credentials, or none, are accepted
   */
  readonly auth?: Authenticator;
}

/**
 * The shared request handler: with `auth`, first verifies the signature (an unsigned or badly signed request is
 * refused before its action is even read, as AWS does); then picks the protocol (AWS JSON 1.0 when `X-Amz-Target`
 * is present, else Query), decodes the action's parameters, checks the key's policy, calls the engine and encodes
 * its result or error. It never throws: any failure that is not an `SqsError` is logged with the request id and
 * answered as `InternalError` (500) without its details.
 */
export function createRequestHandler(
  engine: SqsEngine,
  handlerOptions: RequestHandlerOptions = {},
): RequestHandler {
  return async (request, options = {}) => {
    const requestId = randomUUID();
    const context: WireContext = {
      queueUrls: queueUrlsFor(request, engine.accountId),
      signal: options.signal,
      traceHeader: request.headers['x-amzn-trace-id'],
    };
    const json = isJsonRequest(request);
    const call: CallInfo = { requestId, action: undefined, engine };
    try {
      if (handlerOptions.auth !== undefined) {
        const authentication = await handlerOptions.auth.authenticate(request);
        if (!authentication.ok) throw new SqsError(authentication.code, authentication.message);
        call.caller = authentication.caller;
      }
      const response = json
        ? await handleJson(request, context, call)
        : await handleQuery(request, context, call);
      return { ...response, summary: summaryOf(call) };
    } catch (error) {
      const sqsError = toSqsError(error);
      const response = json
        ? jsonErrorResponse(requestId, sqsError)
        : queryErrorResponse(requestId, sqsError);
      // The failure behind an InternalError goes to the entry's log line, never to the client.
      const cause = error === sqsError ? {} : { cause: error };
      return { ...response, summary: { ...summaryOf(call), errorCode: sqsError.code, ...cause } };
    }
  };
}

interface CallInfo {
  readonly requestId: string;
  readonly engine: SqsEngine;
  /** The action as the client named it, once known. */
  action: string | undefined;
  /** The queue the request names, once its parameters are read. */
  queueName?: string;
  /** The verified signer, when auth is on. */
  caller?: Caller;
}

function summaryOf(call: CallInfo) {
  return {
    requestId: call.requestId,
    action: call.action,
    ...(call.queueName === undefined ? {} : { queueName: call.queueName }),
    ...(call.caller === undefined ? {} : { accessKeyId: call.caller.accessKeyId }),
  };
}

async function handleJson(request: HttpRequest, context: WireContext, call: CallInfo): Promise<HttpResponse> {
  const target = request.headers['x-amz-target'];
  if (target === undefined) {
    throw new SqsError('MissingAction', 'The request must contain the header X-Amz-Target.');
  }
  call.action = jsonTargetAction(request) ?? target;
  const action = resolveAction(call.action);
  const fields = parseJsonBody(request.body);
  const result = await action.json(fields, engineFor(action, fields, call), context);
  return jsonResponse(call.requestId, result);
}

async function handleQuery(
  request: HttpRequest,
  context: WireContext,
  call: CallInfo,
): Promise<HttpResponse> {
  const { action: name, fields } = readQueryRequest(request);
  if (name === undefined || name === '') {
    throw new SqsError('MissingAction', 'The request must contain the parameter Action.');
  }
  call.action = name;
  const action = resolveAction(name);
  const result = await action.query(fields, engineFor(action, fields, call), context);
  return queryResponse(action.name, call.requestId, result);
}

/**
 * Notes the queue the request names and, when a key signed it, checks the key's policy: all from the parameters,
 * before the engine runs, so nothing depends on which queues exist.
 */
function engineFor(action: Action, fields: WireFields, call: CallInfo): SqsEngine {
  const scope = { accountId: call.engine.accountId, region: call.engine.region };
  call.queueName = requiredAccess(action.name, fields, scope)[0]?.queueName;
  return call.caller === undefined
    ? call.engine
    : authorize(call.caller, action.name, fields, call.engine, scope);
}

function resolveAction(name: string): Action {
  const action = findAction(name);
  if (action === undefined) {
    const shown =
      name.length > MAX_ECHOED_ACTION_LENGTH ? `${name.slice(0, MAX_ECHOED_ACTION_LENGTH)}...` : name;
    throw new SqsError('InvalidAction', `The action ${shown} is not valid for this endpoint.`);
  }
  return action;
}

/**
 * SqsErrors go to the client as they are; anything else is a bug or an outage, so it is hidden from the client and
 * handed to the entry in the response summary (`cause`), which logs it its own way.
 */
function toSqsError(error: unknown): SqsError {
  if (error instanceof SqsError) return error;
  return new SqsError('InternalError', 'We encountered an internal error. Please try again.', {
    cause: error,
  });
}

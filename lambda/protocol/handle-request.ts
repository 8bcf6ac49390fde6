import { randomUUID } from 'node:crypto';
import { SqsError } from '../engine/errors.js';
import type { SqsEngine } from '../engine/types.js';
import { type Action, findAction, type WireContext } from './actions/index.js';
import type { HttpRequest, HttpResponse, RequestHandler } from './http.js';
import { isJsonRequest, jsonErrorResponse, jsonResponse, jsonTargetAction, parseJsonBody } from './json.js';
import { queryErrorResponse, queryResponse, readQueryRequest } from './query.js';
import { queueUrlsFor } from './queue-url.js';

/** The longest action name echoed back in an error message; longer ones are cut. */
const MAX_ECHOED_ACTION_LENGTH = 128;

/**
 * The shared request handler: picks the protocol (AWS JSON 1.0 when `X-Amz-Target` is present, else Query), decodes
 * the action's parameters, calls the engine and encodes its result or error. It never throws: any failure that is
 * not an `SqsError` is logged with the request id and answered as `InternalError` (500) without its details.
 */
export function createRequestHandler(engine: SqsEngine): RequestHandler {
  return async (request, options = {}) => {
    const requestId = randomUUID();
    const context: WireContext = {
      queueUrls: queueUrlsFor(request, engine.accountId),
      signal: options.signal,
    };
    const json = isJsonRequest(request);
    const call: CallInfo = { requestId, action: undefined };
    try {
      const response = json
        ? await handleJson(request, engine, context, call)
        : await handleQuery(request, engine, context, call);
      return { ...response, summary: { requestId, action: call.action } };
    } catch (error) {
      const sqsError = toSqsError(error, call);
      const response = json
        ? jsonErrorResponse(requestId, sqsError)
        : queryErrorResponse(requestId, sqsError);
      return { ...response, summary: { requestId, action: call.action, errorCode: sqsError.code } };
    }
  };
}

interface CallInfo {
  readonly requestId: string;
  /** The action as the client named it, once known. */
  action: string | undefined;
}

async function handleJson(
  request: HttpRequest,
  engine: SqsEngine,
  context: WireContext,
  call: CallInfo,
): Promise<HttpResponse> {
  const target = request.headers['x-amz-target'];
  if (target === undefined) {
    throw new SqsError('MissingAction', 'The request must contain the header X-Amz-Target.');
  }
  call.action = jsonTargetAction(request) ?? target;
  const action = resolveAction(call.action);
  const result = await action.json(parseJsonBody(request.body), engine, context);
  return jsonResponse(call.requestId, result);
}

async function handleQuery(
  request: HttpRequest,
  engine: SqsEngine,
  context: WireContext,
  call: CallInfo,
): Promise<HttpResponse> {
  const { action: name, fields } = readQueryRequest(request);
  if (name === undefined || name === '') {
    throw new SqsError('MissingAction', 'The request must contain the parameter Action.');
  }
  call.action = name;
  const action = resolveAction(name);
  return queryResponse(action.name, call.requestId, await action.query(fields, engine, context));
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

/** SqsErrors go to the client as they are; anything else is a bug or an outage, so it is logged and hidden. */
function toSqsError(error: unknown, call: CallInfo): SqsError {
  if (error instanceof SqsError) return error;
  console.error('InternalError', { requestId: call.requestId, action: call.action, cause: error });
  return new SqsError('InternalError', 'We encountered an internal error. Please try again.', {
    cause: error,
  });
}

import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../../auth/authenticator.js';
import { signingCertPath } from '../../topics/envelope.js';
import { SnsError, snsErrorOf } from '../../topics/errors.js';
import type { Publisher } from '../../topics/publisher.js';
import type { SigningKeys } from '../../topics/signing-keys.js';
import type { TopicEngine } from '../../topics/topic-engine.js';
import type { HttpRequest, HttpResponse, RequestHandler } from '../http.js';
import { requestBaseUrl } from '../queue-url.js';
import { SNS_ACTIONS } from './actions.js';
import { authorizeTopicAction } from './authorize.js';
import { SnsParams } from './params.js';
import { snsErrorResponse, snsResponse } from './wire.js';

/** The path under which the signing certificate is served (see `signingCertPath`). */
export const SNS_CERT_PATH_PREFIX = '/sns/';

/** The service name SNS clients sign for. */
export const SNS_SIGNING_SERVICE = 'sns';

const MAX_ECHOED_ACTION_LENGTH = 128;

export interface TopicsHandlerOptions {
  readonly topics: TopicEngine;
  readonly publisher: Publisher;
  readonly signing: SigningKeys;
  /** SigV4 with service `sns`, and the key's policy. @default - no authentication */
  readonly auth?: Authenticator;
}

/**
 * The SNS request handler: Query protocol only, XML answers and `ErrorResponse` errors as SNS gives them. It also
 * serves the signing certificate (a GET, unsigned, as SNS's certificates are public). It never throws: a failure
 * that is not an SNS error is logged by the entry (`summary.cause`) and answered as InternalError (500).
 */
export function createTopicsHandler(options: TopicsHandlerOptions): RequestHandler {
  return async (request) => {
    const requestId = randomUUID();
    let action: string | undefined;
    let accessKeyId: string | undefined;
    try {
      if (request.path.startsWith(SNS_CERT_PATH_PREFIX))
        return await serveCertificate(request, options.signing);
      const params = SnsParams.fromRequest(request);
      action = params.string('Action');
      if (options.auth !== undefined) {
        const authentication = await options.auth.authenticate(request, SNS_SIGNING_SERVICE);
        if (!authentication.ok) throw new SnsError(authentication.code, authentication.message);
        accessKeyId = authentication.caller.accessKeyId;
        if (action !== undefined && SNS_ACTIONS[action] !== undefined) {
          authorizeTopicAction(authentication.caller, action, params, options.topics.scope);
        }
      }
      if (action === undefined || action === '') throw new SnsError('InvalidAction', 'Missing Action');
      const handler = SNS_ACTIONS[action];
      if (handler === undefined || !Object.hasOwn(SNS_ACTIONS, action)) {
        const shown =
          action.length > MAX_ECHOED_ACTION_LENGTH
            ? `${action.slice(0, MAX_ECHOED_ACTION_LENGTH)}...`
            : action;
        throw new SnsError('InvalidAction', `Unrecognized operation ${shown} is not valid for this endpoint`);
      }
      const result = await handler(params, {
        topics: options.topics,
        publisher: options.publisher,
        serviceUrl: requestBaseUrl(request),
      });
      return { ...snsResponse(action, requestId, result), summary: summary(requestId, action, accessKeyId) };
    } catch (error) {
      const known = snsErrorOf(error);
      const answered = known ?? new SnsError('InternalError', 'Internal error', { cause: error });
      return {
        ...snsErrorResponse(requestId, answered),
        summary: {
          ...summary(requestId, action, accessKeyId),
          errorCode: answered.code,
          ...(known === undefined ? { cause: error } : {}),
        },
      };
    }
  };
}

function summary(requestId: string, action: string | undefined, accessKeyId: string | undefined) {
  return {
    requestId,
    ...(action === undefined ? {} : { action: action.slice(0, MAX_ECHOED_ACTION_LENGTH) }),
    ...(accessKeyId === undefined ? {} : { accessKeyId }),
  };
}

async function serveCertificate(request: HttpRequest, signing: SigningKeys): Promise<HttpResponse> {
  const material = await signing.load();
  if (request.method !== 'GET' || request.path !== signingCertPath(material)) {
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/x-x509-ca-cert' },
    body: material.certificatePem,
  };
}

import type { HttpRequest, RequestHandler } from './http.js';

/** The handlers behind one endpoint, each for its own kind of request. */
export interface Routes {
  /** SQS, over both protocols: whatever no other route takes. */
  readonly queues: RequestHandler;
  /** The web console and its API, under `/console`. @default - `/console` goes to `queues`, as any path does */
  readonly console?: RequestHandler;
  /** SNS requests (see `isTopicsRequest`). @default - they go to `queues`, which refuses their actions */
  readonly topics?: RequestHandler;
}

/** The path under which the console and its API live. */
export const CONSOLE_PATH = '/console';

/** Sends each request to its route: the console by path, SNS by its API version or signature, else SQS. */
export function routeRequest(routes: Routes): RequestHandler {
  return (request, options) => {
    if (routes.console && isConsoleRequest(request)) return routes.console(request, options);
    if (routes.topics && isTopicsRequest(request)) return routes.topics(request, options);
    return routes.queues(request, options);
  };
}

/** `/console` and everything under it. */
export function isConsoleRequest(request: HttpRequest): boolean {
  return request.path === CONSOLE_PATH || request.path.startsWith(`${CONSOLE_PATH}/`);
}

/** The SNS API version every SNS Query request names. */
const SNS_VERSION = '2010-03-31';
/** `Version=2010-03-31` as a form parameter, at the start or after an `&`. */
const SNS_VERSION_PARAM = /(?:^|&)Version=2010-03-31(?:&|$)/;
/** `SubscriptionArn=arn:aws:sns:...` in a query string, as in an UnsubscribeURL. */
const SNS_SUBSCRIPTION_PARAM = /(?:^|&)SubscriptionArn=arn(?::|%3A)aws(?::|%3A)sns(?::|%3A)/i;
/** A SigV4 credential scope for service `sns`: `.../{date}/{region}/sns/aws4_request`, plain or URL-encoded. */
const SNS_SCOPE = /\/sns\/aws4_request|%2Fsns%2Faws4_request/i;

/**
 * Whether a request is for SNS rather than SQS: its Query `Version` is SNS's (2010-03-31), or its SigV4 credential
 * scope names service `sns`, or it asks for the SNS signing certificate (`/sns/...`) or follows an envelope's
 * UnsubscribeURL. SQS requests name 2012-11-05,
 * or no version at all (the JSON protocol), and sign for `sqs`.
 */
export function isTopicsRequest(request: HttpRequest): boolean {
  if (request.path.startsWith('/sns/')) return true;
  if (SNS_SCOPE.test(request.headers.authorization ?? '') || SNS_SCOPE.test(request.query ?? '')) return true;
  if (request.headers['x-amz-target'] !== undefined) return false;
  const query = request.query ?? '';
  // An envelope's UnsubscribeURL (`/?Action=Unsubscribe&SubscriptionArn=...`) names no version; SQS has no such field.
  if (SNS_SUBSCRIPTION_PARAM.test(query)) return true;
  // Cheap test first: most requests never mention SNS's version.
  if (!query.includes(SNS_VERSION) && !request.body.includes(SNS_VERSION)) return false;
  return SNS_VERSION_PARAM.test(query) || SNS_VERSION_PARAM.test(request.body);
}

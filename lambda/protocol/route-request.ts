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

/**
 * Whether a request is for SNS rather than SQS. (Until topics exist, none is; issue 13 decides it from the
 * Query `Version=2010-03-31` and the SigV4 credential scope's service.)
 */
export function isTopicsRequest(_request: HttpRequest): boolean {
  return false;
}

/** A request as every entry point sees it: no Node, no API Gateway types. */
export interface HttpRequest {
  /** Upper-case HTTP method, e.g. `POST`. */
  readonly method: string;
  /** Path without the query string, e.g. `/000000000000/orders`. */
  readonly path: string;
  /** Raw query string without `?`. @default - empty */
  readonly query?: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as received, decoded as UTF-8. */
  readonly body: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What the request was, for the entry's log line; never sent to the client. */
  readonly summary?: RequestSummary;
}

/** One request as a log line describes it: no bodies, no secrets. */
export interface RequestSummary {
  /** The `x-amzn-RequestId` the client was given. */
  readonly requestId: string;
  /** The action as the client named it, once it was read. */
  readonly action?: string;
  /** The queue the request named, when it named one. */
  readonly queueName?: string;
  /** The access key that signed the request, once its signature was verified. */
  readonly accessKeyId?: string;
  /** The error code answered, e.g. `QueueDoesNotExist`; absent on success. */
  readonly errorCode?: string;
  /** The failure behind an `InternalError`, for the entry to log; never sent. @default - absent */
  readonly cause?: unknown;
}

/** The one shared request handler: both entries (node:http and API Gateway) wrap a function of this type. */
export type RequestHandler = (request: HttpRequest, options?: RequestOptions) => Promise<HttpResponse>;

/** What an entry knows about the request's time besides its content. */
export interface RequestOptions {
  /** Aborts when the client goes away or the server shuts down: a long poll answers at once. @default - never */
  readonly signal?: AbortSignal;
  /**
   * Epoch ms by which every storage call must have answered (a Lambda's remaining time, less a margin); a call
   * still waiting then is abandoned and the client gets ServiceUnavailable. When set, `signal` ends long polls
   * only. @default - `signal` ends storage calls too
   */
  readonly deadlineMs?: number;
}

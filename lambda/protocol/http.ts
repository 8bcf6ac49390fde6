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
}

/** The one shared request handler: both entries (node:http and API Gateway) wrap a function of this type. */
export type RequestHandler = (
  request: HttpRequest,
  options?: { signal?: AbortSignal },
) => Promise<HttpResponse>;

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LambdaContext, LambdaHandler } from '../../lambda/entries/lambda.js';

/** API Gateway's own limit on an HTTP API integration; the function's timeout sits below it. */
export const FUNCTION_TIMEOUT_MS = 29_000;

/** Content types whose bodies the shim passes as text; any other body arrives base64-encoded, as API Gateway may send it. */
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|xml)\b)/i;

/** The client's request, as API Gateway receives it. */
export interface HttpApiEventOptions {
  readonly method: string;
  /** Path with an optional `?query`, as the client sent it. */
  readonly url: string;
  /** Header names in lower case, repeated values comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  /** @default - no body */
  readonly body?: Buffer;
  /** The API's domain, custom or execute-api. @default - the Host header without its port */
  readonly domainName?: string;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
}

/**
 * A payload format 2.0 event as API Gateway builds it for a `$default` route and stage: raw path and query,
 * Cookie headers moved to `cookies`, bodies that are not text base64-encoded.
 */
export function httpApiEvent(options: HttpApiEventOptions): APIGatewayProxyEventV2 {
  const q = options.url.indexOf('?');
  const rawPath = q === -1 ? options.url : options.url.slice(0, q);
  const rawQueryString = q === -1 ? '' : options.url.slice(q + 1);
  const { cookie, ...headers } = options.headers;
  const domainName = options.domainName ?? (headers.host ?? '').replace(/:\d+$/, '');
  const body = options.body ?? Buffer.alloc(0);
  const isBase64Encoded = body.length > 0 && !TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookie === undefined ? {} : { cookies: cookie.split(/;\s*/) }),
    headers,
    ...(rawQueryString === '' ? {} : { queryStringParameters: queryStringParameters(rawQueryString) }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'shim',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: options.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0 ? {} : { body: body.toString(isBase64Encoded ? 'base64' : 'utf8') }),
    isBase64Encoded,
  };
}

/** Duplicate parameters are comma-joined, as in payload format 2.0. */
function queryStringParameters(rawQueryString: string): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    joined[name] = joined[name] === undefined ? value : `${joined[name]},${value}`;
  }
  return joined;
}

/** A Lambda context whose remaining time runs down from `remainingMs`, with a fresh invocation id. */
export function lambdaContext(remainingMs: number = FUNCTION_TIMEOUT_MS): LambdaContext {
  const deadlineMs = Date.now() + remainingMs;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadlineMs - Date.now() };
}

/** A running shim: a local stand-in for an HTTP API in front of the function. */
export interface HttpApiShim {
  /** `http://127.0.0.1:port`: the endpoint a client is given. */
  readonly url: string;
  /** Every event handed to the function, oldest first. */
  readonly events: readonly APIGatewayProxyEventV2[];
  close(): Promise<void>;
}

/**
 * Stands in for API Gateway: turns each HTTP request into a payload 2.0 event, invokes `handler` with a fresh
 * context, and writes its structured result back.
 */
export async function startHttpApiShim(handler: LambdaHandler): Promise<HttpApiShim> {
  const events: APIGatewayProxyEventV2[] = [];
  const server = createServer((req, res) => {
    void forward(req, res).catch((error: unknown) => {
      console.error('shim: invocation failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    });
  });

  async function forward(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { port } = server.address() as AddressInfo;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const event = httpApiEvent({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: {
        ...headers,
        'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
        'x-forwarded-port': String(port),
        // The client called plain HTTP here; API Gateway would say `https`.
        'x-forwarded-proto': 'http',
      },
      body: Buffer.concat(chunks),
    });
    events.push(event);
    const result = await handler(event, lambdaContext());
    const resultHeaders = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    res.writeHead(result.statusCode ?? 200, resultHeaders).end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

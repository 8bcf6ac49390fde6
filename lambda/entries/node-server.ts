import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeRequestBody } from '../protocol/body.js';
import type { HttpRequest, RequestHandler } from '../protocol/http.js';

/** Largest request body accepted: a 1 MiB batch in JSON, plus room for Query's URL encoding. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface NodeServerOptions {
  readonly handler: RequestHandler;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 9324; 0 picks a free port */
  readonly port?: number;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, aborts open long polls and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Serves the shared request handler over node:http; nothing SQS-specific happens here. */
export async function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  // Every open request listens for shutdown (and removes its listener when done): no fixed limit applies.
  setMaxListeners(0, closing.signal);
  const server = createServer((req, res) => {
    void serve(options.handler, req, res, closing.signal);
  });
  server.keepAliveTimeout = 65_000;
  await listen(server, options.port ?? 9324, host);
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function serve(
  handler: RequestHandler,
  req: IncomingMessage,
  res: ServerResponse,
  closing: AbortSignal,
) {
  // A long poll ends early when its client goes away or the server shuts down.
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) gone.abort();
  };
  const onClosing = () => gone.abort();
  res.on('close', onClose);
  closing.addEventListener('abort', onClosing, { once: true });
  try {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('Request body too large');
      return;
    }
    const response = await handler(toHttpRequest(req, body), { signal: gone.signal });
    const { summary } = response;
    if (summary?.cause !== undefined) {
      console.error(summary.errorCode, {
        requestId: summary.requestId,
        action: summary.action,
        cause: summary.cause,
      });
    }
    res.writeHead(response.status, response.headers).end(response.body);
  } catch (error) {
    // The handler turns every failure into an SQS error response; reaching here means a broken socket.
    console.error('request failed outside the handler', error);
    if (!res.headersSent) res.writeHead(500).end();
  } finally {
    res.off('close', onClose);
    closing.removeEventListener('abort', onClosing);
  }
}

function toHttpRequest(req: IncomingMessage, body: string): HttpRequest {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: q === -1 ? rawUrl : rawUrl.slice(0, q),
    query: q === -1 ? '' : rawUrl.slice(q + 1),
    headers,
    body,
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return decodeRequestBody(Buffer.concat(chunks));
}

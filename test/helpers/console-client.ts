import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../lambda/auth/node-sha256.js';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';
import { TEST_REGION } from './server.js';

/** What the console API answered. */
export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body (every answer of the API is JSON). */
  readonly json: Record<string, unknown>;
  readonly text: string;
}

export interface ConsoleRequestOptions {
  /** Query parameters, encoded here. */
  readonly query?: Record<string, string | number>;
  /** A JSON value, or a raw string sent as it is. */
  readonly body?: unknown;
  /** Sent as-is and signed. */
  readonly headers?: Record<string, string>;
}

/**
 * A client of the console API (docs/console-api.md), signing every request with SigV4 for service `sqs` as the
 * page does, or not at all with `credentials: false`.
 */
export class ConsoleClient {
  private readonly signer?: SignatureV4;

  constructor(
    readonly url: string,
    credentials: { accessKeyId: string; secretAccessKey: string } | false = DUMMY_CREDENTIALS,
    region = TEST_REGION,
  ) {
    if (credentials) {
      this.signer = new SignatureV4({ service: 'sqs', region, credentials, sha256: NodeSha256 });
    }
  }

  get(path: string, options: ConsoleRequestOptions = {}): Promise<ConsoleResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, body: unknown = {}, options: ConsoleRequestOptions = {}): Promise<ConsoleResponse> {
    return this.request('POST', path, { ...options, body });
  }

  delete(path: string, body?: unknown, options: ConsoleRequestOptions = {}): Promise<ConsoleResponse> {
    return this.request('DELETE', path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  /** `path` is under `/console/api`, already encoded (use {@link queuePath} for queue names). */
  async request(method: string, path: string, options: ConsoleRequestOptions = {}): Promise<ConsoleResponse> {
    const target = new URL(`${this.url}/console/api${path}`);
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.query ?? {})) query[name] = String(value);
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      host: target.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const request = {
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: decodeURIComponent(target.pathname),
      query,
      headers,
      ...(body === undefined ? {} : { body }),
    };
    const signed = this.signer ? await this.signer.sign(request) : request;
    const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
    const response = await fetch(`${target.origin}${target.pathname}${search ? `?${search}` : ''}`, {
      method,
      headers: Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')),
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Left empty: the test asserts on `text` or the status.
    }
    return { status: response.status, headers: response.headers, json, text };
  }
}

/** `/queues/{name}` with the name encoded as the page encodes it. */
export function queuePath(queueName: string, rest = ''): string {
  return `/queues/${encodeURIComponent(queueName)}${rest}`;
}

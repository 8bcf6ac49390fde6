import { QueueDoesNotExist } from '../engine/errors.js';
import type { HttpRequest } from './http.js';

/** Turns queue names into the URLs clients see, and back. */
export interface QueueUrls {
  /** `{scheme}://{host}/{accountId}/{queueName}`, with the scheme and host the client used. */
  toUrl(queueName: string): string;
  /** The queue name in a `QueueUrl`; throws `QueueDoesNotExist` when the URL cannot name one of our queues. */
  toQueueName(queueUrl: string): string;
}

/** A Host header we are willing to echo into URLs: a name or address and an optional port. */
const HOST_PATTERN = /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
/** SQS's queue name rule: up to 80 letters, digits, `-` and `_`, FIFO names ending in `.fifo`. */
const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;
const FALLBACK_HOST = 'localhost';

/** Queue URLs for one request: they point at the host and scheme the request came in on. */
export function queueUrlsFor(request: HttpRequest, accountId: string): QueueUrls {
  const baseUrl = requestBaseUrl(request);
  return {
    toUrl: (queueName) => `${baseUrl}/${accountId}/${queueName}`,
    toQueueName: (queueUrl) => parseQueueUrl(queueUrl, accountId),
  };
}

/**
 * `{scheme}://{host}` of a request: the scheme from `x-forwarded-proto` (API Gateway, proxies), else `http`; the
 * host from the Host header, else `localhost`.
 */
export function requestBaseUrl(request: HttpRequest): string {
  const forwarded = request.headers['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'https' ? 'https' : 'http';
  const host = request.headers.host?.trim();
  return `${scheme}://${host !== undefined && HOST_PATTERN.test(host) ? host : FALLBACK_HOST}`;
}

/**
 * The queue name in a queue URL. Any scheme-and-host is accepted, so a URL handed out on `localhost` still works
 * through `127.0.0.1` or a container name; the path must be `/{accountId}/{queueName}` with our account.
 * Like SQS, a URL that cannot name a queue (garbage, another account) is `QueueDoesNotExist`, not `InvalidAddress`.
 */
export function parseQueueUrl(queueUrl: string, accountId: string): string {
  let path: string;
  try {
    const url = new URL(queueUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new QueueDoesNotExist();
    path = url.pathname;
  } catch {
    throw new QueueDoesNotExist();
  }
  return queueNameFromPath(path, accountId);
}

/** The queue name in a path `/{accountId}/{queueName}`; throws `QueueDoesNotExist` for any other path. */
export function queueNameFromPath(path: string, accountId: string): string {
  const segments = path.split('/');
  if (segments.length !== 3 || segments[0] !== '') throw new QueueDoesNotExist();
  const account = decodeSegment(segments[1]);
  const queueName = decodeSegment(segments[2]);
  if (account !== accountId || queueName === undefined || !QUEUE_NAME_PATTERN.test(queueName)) {
    throw new QueueDoesNotExist();
  }
  return queueName;
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

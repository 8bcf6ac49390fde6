import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import type { HttpRequest } from '../../lambda/protocol/http.js';
import {
  parseQueueUrl,
  queueNameFromPath,
  queueUrlsFor,
  requestBaseUrl,
} from '../../lambda/protocol/queue-url.js';

const ACCOUNT = '000000000000';

function request(headers: Record<string, string>): HttpRequest {
  return { method: 'POST', path: '/', headers, body: '' };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof SqsError ? error.code : 'not an SqsError';
  }
}

describe('queue URL building', () => {
  it('uses the Host header and plain http by default', () => {
    const urls = queueUrlsFor(request({ host: 'localhost:9324' }), ACCOUNT);

    expect(urls.toUrl('orders')).toBe('http://localhost:9324/000000000000/orders');
  });

  it('takes the scheme from x-forwarded-proto, as behind API Gateway', () => {
    const base = requestBaseUrl(
      request({ host: 'abc.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' }),
    );

    expect(base).toBe('https://abc.execute-api.eu-west-1.amazonaws.com');
  });

  it('reads the first scheme of a forwarded list', () => {
    expect(requestBaseUrl(request({ host: 'h', 'x-forwarded-proto': 'HTTPS, http' }))).toBe('https://h');
  });

  it('accepts IPv6 hosts', () => {
    expect(requestBaseUrl(request({ host: '[::1]:9324' }))).toBe('http://[::1]:9324');
  });

  it('falls back to localhost when the Host header is missing or not a host', () => {
    expect(requestBaseUrl(request({}))).toBe('http://localhost');
    expect(requestBaseUrl(request({ host: 'evil/<script>' }))).toBe('http://localhost');
  });
});

describe('queue URL parsing', () => {
  it('reads the queue name whatever the host', () => {
    expect(parseQueueUrl('http://localhost:9324/000000000000/orders', ACCOUNT)).toBe('orders');
    expect(parseQueueUrl('https://sqs.us-east-1.amazonaws.com/000000000000/jobs.fifo', ACCOUNT)).toBe(
      'jobs.fifo',
    );
  });

  it('ignores a query string or fragment', () => {
    expect(parseQueueUrl('http://h/000000000000/orders?x=1#y', ACCOUNT)).toBe('orders');
  });

  it.each([
    ['another account', 'http://h/111111111111/orders'],
    ['a bare queue name', 'orders'],
    ['garbage', 'http://whatever-incorrect-queue-address'],
    ['an extra path segment', 'http://h/000000000000/orders/extra'],
    ['a trailing slash', 'http://h/000000000000/orders/'],
    ['a name SQS would never allow', 'http://h/000000000000/or%20ders'],
    ['a name longer than 80 characters', `http://h/000000000000/${'a'.repeat(81)}`],
    ['a non-HTTP scheme', 'ftp://h/000000000000/orders'],
    ['broken percent-encoding', 'http://h/000000000000/%E0%A4%A'],
  ])('answers QueueDoesNotExist for %s', (_, url) => {
    expect(codeOf(() => parseQueueUrl(url, ACCOUNT))).toBe('QueueDoesNotExist');
  });

  it('accepts the longest names SQS allows', () => {
    const standard = 'a'.repeat(80);
    const fifo = `${'b'.repeat(75)}.fifo`;

    expect(parseQueueUrl(`http://h/000000000000/${standard}`, ACCOUNT)).toBe(standard);
    expect(parseQueueUrl(`http://h/000000000000/${fifo}`, ACCOUNT)).toBe(fifo);
  });

  it('reads a queue name from a request path', () => {
    expect(queueNameFromPath('/000000000000/orders', ACCOUNT)).toBe('orders');
    expect(codeOf(() => queueNameFromPath('/orders', ACCOUNT))).toBe('QueueDoesNotExist');
  });

  it('round-trips a built URL', () => {
    const urls = queueUrlsFor(request({ host: '127.0.0.1:9324' }), ACCOUNT);

    expect(urls.toQueueName(urls.toUrl('round-trip_1'))).toBe('round-trip_1');
  });
});

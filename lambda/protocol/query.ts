import type { SqsError } from '../engine/errors.js';
import { parseFormParams } from './body.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { QueryFields } from './query-fields.js';
import { requestBaseUrl } from './queue-url.js';
import { wireError } from './wire-errors.js';
import { element, textElement } from './xml.js';

/** The namespace of every SQS Query response. */
export const SQS_XML_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

const XML_CONTENT_TYPE = 'text/xml';
const XML_DECLARATION = '<?xml version="1.0"?>';

/** A Query request: its `Action` as sent and its other parameters. */
export interface QueryRequest {
  /** @default - none was sent */
  readonly action?: string;
  readonly fields: QueryFields;
}

/**
 * Reads parameters from the URL query string and the form body (GET and POST both work; a body parameter wins
 * over the same name in the URL). A request sent to a queue's URL names the queue by its path, as legacy clients
 * do, unless it also sends `QueueUrl`.
 */
export function readQueryRequest(request: HttpRequest): QueryRequest {
  const params = new Map<string, string>();
  for (const source of [request.query ?? '', request.body]) {
    for (const [name, value] of parseFormParams(source)) params.set(name, value);
  }
  if (!params.has('QueueUrl') && request.path !== '/' && request.path !== '') {
    params.set('QueueUrl', `${requestBaseUrl(request)}${request.path}`);
  }
  const action = params.get('Action');
  params.delete('Action');
  params.delete('Version');
  return { action, fields: QueryFields.fromParams(params) };
}

/**
 * `<{Action}Response>` with the result element (omitted for actions whose result has no members) and the request
 * id, as SQS answers.
 */
export function queryResponse(
  action: string,
  requestId: string,
  resultXml: string | undefined,
): HttpResponse {
  const result = resultXml === undefined ? '' : element(`${action}Result`, resultXml);
  const metadata = element('ResponseMetadata', textElement('RequestId', requestId));
  return {
    status: 200,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: `${XML_DECLARATION}<${action}Response xmlns="${SQS_XML_NAMESPACE}">${result}${metadata}</${action}Response>`,
  };
}

/** `<ErrorResponse>` with the legacy Query code and, where SQS words it differently, Query's message. */
export function queryErrorResponse(requestId: string, error: SqsError): HttpResponse {
  const wire = wireError(error.code);
  const detail =
    textElement('Type', wire.fault ?? 'Sender') +
    textElement('Code', wire.queryCode) +
    textElement('Message', wire.queryMessage ?? error.message) +
    '<Detail/>';
  return {
    status: wire.status,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body:
      `${XML_DECLARATION}<ErrorResponse xmlns="${SQS_XML_NAMESPACE}">` +
      `${element('Error', detail)}${textElement('RequestId', requestId)}</ErrorResponse>`,
  };
}

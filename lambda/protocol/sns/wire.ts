import type { SnsError, SnsErrorCode } from '../../topics/errors.js';
import type { HttpResponse } from '../http.js';
import { element, textElement } from '../xml.js';

/** The namespace of every SNS response. */
export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const XML_CONTENT_TYPE = 'text/xml';
const XML_DECLARATION = '<?xml version="1.0"?>';

/**
 * Every SNS error code's HTTP status and fault: a Record, so a new code without a row does not compile. Modeled
 * codes follow the SNS API model's `error` traits; the others the AWS Common Errors reference.
 */
const WIRE: Readonly<Record<SnsErrorCode, { status: number; fault?: 'Receiver' }>> = {
  AuthorizationError: { status: 403 },
  BatchEntryIdsNotDistinct: { status: 400 },
  BatchRequestTooLong: { status: 400 },
  EmptyBatchRequest: { status: 400 },
  FilterPolicyLimitExceeded: { status: 403 },
  IncompleteSignature: { status: 400 },
  InternalError: { status: 500, fault: 'Receiver' },
  InvalidAction: { status: 400 },
  InvalidBatchEntryId: { status: 400 },
  InvalidClientTokenId: { status: 403 },
  InvalidParameter: { status: 400 },
  MissingAuthenticationToken: { status: 403 },
  NotFound: { status: 404 },
  ParameterValueInvalid: { status: 400 },
  RequestExpired: { status: 400 },
  ResourceNotFound: { status: 404 },
  ServiceUnavailable: { status: 503, fault: 'Receiver' },
  SignatureDoesNotMatch: { status: 403 },
  SubscriptionLimitExceeded: { status: 403 },
  TagLimitExceeded: { status: 400 },
  Throttled: { status: 429 },
  TooManyEntriesInBatchRequest: { status: 400 },
  ValidationError: { status: 400 },
};

/** `<{Action}Response>` with the result element (when there is one) and the request id, as SNS answers. */
export function snsResponse(action: string, requestId: string, resultXml: string | undefined): HttpResponse {
  const result = resultXml === undefined ? '' : element(`${action}Result`, resultXml);
  const metadata = element('ResponseMetadata', textElement('RequestId', requestId));
  return {
    status: 200,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: `${XML_DECLARATION}<${action}Response xmlns="${SNS_XML_NAMESPACE}">${result}${metadata}</${action}Response>`,
  };
}

/** `<ErrorResponse>` as SNS gives it. */
export function snsErrorResponse(requestId: string, error: SnsError): HttpResponse {
  const wire = WIRE[error.code];
  const detail =
    textElement('Type', wire.fault ?? 'Sender') +
    textElement('Code', error.code) +
    textElement('Message', error.message);
  return {
    status: wire.status,
    headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body:
      `${XML_DECLARATION}<ErrorResponse xmlns="${SNS_XML_NAMESPACE}">` +
      `${element('Error', detail)}${textElement('RequestId', requestId)}</ErrorResponse>`,
  };
}

/** `<Attributes><entry><key>…</key><value>…</value></entry>…</Attributes>`. */
export function attributesXml(name: string, map: Readonly<Record<string, string>>): string {
  return element(
    name,
    Object.entries(map)
      .map(([key, value]) => element('entry', textElement('key', key) + textElement('value', value)))
      .join(''),
  );
}

/** `<name><member>…</member>…</name>` around each member's XML. */
export function membersXml(name: string, members: readonly string[]): string {
  return element(name, members.map((member) => element('member', member)).join(''));
}

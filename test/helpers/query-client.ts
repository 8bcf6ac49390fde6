import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';

/** Flattened Query parameters, e.g. `{ 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': 30 }`. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** A parsed XML element: text, or child elements by name (repeated list members are arrays). */
export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
  readonly [name: string]: XmlValue;
}

/** An `<ErrorResponse>` as a client sees it. */
export interface QueryErrorDetails {
  readonly status: number;
  /** `<Code>`, the legacy code, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
  readonly code: string;
  readonly message: string;
  /** `<Type>`: `Sender` or `Receiver`. */
  readonly type: string;
  readonly requestId: string;
}

export type QueryResponse =
  | {
      readonly ok: true;
      readonly status: number;
      /** The `<{Action}Result>` element; empty for actions that return only ResponseMetadata. */
      readonly result: XmlNode;
      readonly requestId: string;
      readonly raw: string;
    }
  | { readonly ok: false; readonly status: number; readonly error: QueryErrorDetails; readonly raw: string };

/** Thrown by {@link QueryClient.send} for an `<ErrorResponse>`. */
export class QueryError extends Error implements QueryErrorDetails {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly requestId: string;

  constructor(details: QueryErrorDetails) {
    super(details.message);
    this.name = 'QueryError';
    this.status = details.status;
    this.code = details.code;
    this.type = details.type;
    this.requestId = details.requestId;
  }
}

/**
 * Elements that SQS repeats (flattened lists). Only matched under their parent, since `Message` is
 * also the error text and `QueueUrl` a single value in CreateQueueResult.
 */
const LIST_PATHS = [
  /ReceiveMessageResult\.Message$/,
  /\.Message\.Attribute$/,
  /\.Message\.MessageAttribute$/,
  /GetQueueAttributesResult\.Attribute$/,
  /ListQueueTagsResult\.Tag$/,
  /ListQueuesResult\.QueueUrl$/,
  /ListDeadLetterSourceQueuesResult\.QueueUrl$/,
  /BatchResult\.\w+BatchResultEntry$/,
  /BatchResult\.BatchResultErrorEntry$/,
  /ListMessageMoveTasksResult\.ListMessageMoveTasksResultEntry$/,
];

const parser = new XMLParser({
  ignoreAttributes: true,
  // Everything stays a string: bodies like "0123" and MD5s must not become numbers.
  parseTagValue: false,
  // Bodies keep their leading and trailing whitespace.
  trimValues: false,
  // SQS writes `&#xD;` for \r and `&quot;` for "; decode numeric references too.
  processEntities: true,
  htmlEntities: true,
  isArray: (_name, jPath) => typeof jPath === 'string' && LIST_PATHS.some((re) => re.test(jPath)),
});

/**
 * A minimal client for SQS's legacy AWS Query protocol: form-encoded POST with `Action` and
 * `Version=2012-11-05`, signed with SigV4 (service `sqs`), XML back. Like the old SDKs, it posts to the
 * QueueUrl when one is given and to the service endpoint otherwise.
 */
export class QueryClient {
  constructor(
    readonly endpoint: string,
    /** @default - DUMMY_CREDENTIALS, signed now */
    private readonly signing: SigningOptions = {},
  ) {}

  /** Calls `action` and returns the result or the error, whichever came back. */
  async call(action: string, params: QueryParams = {}): Promise<QueryResponse> {
    const form = new URLSearchParams({ Action: action, Version: '2012-11-05' });
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) form.append(name, String(value));
    }
    const target = typeof params.QueueUrl === 'string' ? params.QueueUrl : this.endpoint;
    const response = await signedPost(
      target,
      { 'content-type': FORM_CONTENT_TYPE },
      form.toString(),
      this.signing,
    );
    const raw = await response.text();
    return toQueryResponse(action, response.status, raw);
  }

  /** Calls `action` and returns its `<{Action}Result>`, or throws a {@link QueryError}. */
  async send(action: string, params: QueryParams = {}): Promise<XmlNode> {
    const response = await this.call(action, params);
    if (!response.ok) throw new QueryError(response.error);
    return response.result;
  }
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** Who signs, and when. */
export interface SigningOptions {
  /** @default DUMMY_CREDENTIALS, the test server's full-access key */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default - now */
  readonly signingDate?: Date;
}

function signerFor(signing: SigningOptions): SignatureV4 {
  return new SignatureV4({
    service: 'sqs',
    region: 'us-east-1',
    credentials: signing.credentials ?? DUMMY_CREDENTIALS,
    sha256: Sha256,
  });
}

/** POSTs `body` to `url`, SigV4-signed for `sqs` in us-east-1 as a real client would sign it. */
export async function signedPost(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  signing: SigningOptions = {},
): Promise<Response> {
  const target = new URL(url);
  const signed = await signerFor(signing).sign(
    { ...requestOf('POST', target), headers: { ...headers, host: target.host }, body },
    { signingDate: signing.signingDate },
  );
  // fetch sets Host itself, to the same value that was signed.
  const { host: _host, ...sent } = signed.headers;
  return fetch(target, { method: 'POST', headers: sent, body });
}

/** GETs `url` with its parameters in the query string, SigV4-signed in the Authorization header. */
export async function signedGet(
  url: string,
  headers: Readonly<Record<string, string>> = {},
  signing: SigningOptions = {},
): Promise<Response> {
  const target = new URL(url);
  const signed = await signerFor(signing).sign(
    { ...requestOf('GET', target), headers: { ...headers, host: target.host } },
    { signingDate: signing.signingDate },
  );
  const { host: _host, ...sent } = signed.headers;
  return fetch(target, { method: 'GET', headers: sent });
}

/**
 * `url` presigned for `method`: the signature travels in X-Amz-* query parameters, as a browser or a URL handed to
 * another program sends it. A POST's body is signed too (its SHA-256 is part of the signature).
 */
export async function presignUrl(
  url: string,
  options: {
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
    expiresIn?: number;
  } = {},
  signing: SigningOptions = {},
): Promise<string> {
  const target = new URL(url);
  const presigned = await signerFor(signing).presign(
    {
      ...requestOf(options.method ?? 'GET', target),
      headers: { ...(options.headers ?? {}), host: target.host },
      ...(options.body === undefined ? {} : { body: options.body }),
    },
    { expiresIn: options.expiresIn ?? 300, signingDate: signing.signingDate },
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(presigned.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== null) query.append(name, item);
  }
  return `${target.origin}${target.pathname}?${query}`;
}

function requestOf(method: string, target: URL) {
  return {
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port === '' ? undefined : Number(target.port),
    path: target.pathname,
    query: queryOf(target),
  };
}

/** A URL's query as the signer takes it: repeated names as lists. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function toQueryResponse(action: string, status: number, raw: string): QueryResponse {
  let document: XmlNode;
  try {
    document = dropWhitespaceText(parser.parse(raw)) as XmlNode;
  } catch (cause) {
    throw new Error(`${action}: HTTP ${status} with a body that is not XML: ${raw.slice(0, 500)}`, { cause });
  }
  const errorResponse = document.ErrorResponse;
  if (isNode(errorResponse)) {
    const error = isNode(errorResponse.Error) ? errorResponse.Error : {};
    return {
      ok: false,
      status,
      raw,
      error: {
        status,
        code: text(error.Code),
        message: text(error.Message),
        type: text(error.Type),
        requestId: text(errorResponse.RequestId),
      },
    };
  }
  const envelope = document[`${action}Response`];
  if (!isNode(envelope) || status >= 300) {
    throw new Error(`${action}: unexpected HTTP ${status} response: ${raw.slice(0, 500)}`);
  }
  const result = envelope[`${action}Result`];
  const metadata = envelope.ResponseMetadata;
  return {
    ok: true,
    status,
    raw,
    result: isNode(result) ? result : {},
    requestId: isNode(metadata) ? text(metadata.RequestId) : '',
  };
}

/** Whitespace between elements (pretty-printed XML) is not content. */
function dropWhitespaceText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropWhitespaceText);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([name]) => name !== '?xml');
  const hasChildren = entries.some(([name]) => name !== '#text');
  return Object.fromEntries(
    entries
      .filter(([name]) => !(hasChildren && name === '#text'))
      .map(([name, child]) => [name, dropWhitespaceText(child)]),
  );
}

/** True for an element with children. */
export function isNode(value: XmlValue | undefined): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of an element; an absent or empty element reads as ''. */
export function text(value: XmlValue | undefined): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'];
  throw new Error(`expected a text element, got ${JSON.stringify(value)}`);
}

/** The members of a repeated element, whether the parser saw one or many. */
export function list(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Child elements of a repeated element, as nodes. */
export function nodes(value: XmlValue | undefined): XmlNode[] {
  return list(value).map((member) => {
    if (!isNode(member)) throw new Error(`expected an element, got ${JSON.stringify(member)}`);
    return member;
  });
}

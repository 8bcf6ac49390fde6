import type { SqsError } from '../engine/errors.js';
import { isWellFormed } from '../engine/field-rules.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { JsonFields, type JsonObject, serializationError } from './json-fields.js';
import { wireError } from './wire-errors.js';

/** AWS JSON 1.0, which every current SDK uses for SQS. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

const TARGET_PREFIX = 'amazonsqs.';

/** AWS JSON requests carry `X-Amz-Target`; a JSON content type without one is a JSON request naming no action. */
export function isJsonRequest(request: HttpRequest): boolean {
  const contentType = request.headers['content-type']?.toLowerCase() ?? '';
  return request.headers['x-amz-target'] !== undefined || contentType.startsWith('application/x-amz-json');
}

/**
 * The action in `X-Amz-Target: AmazonSQS.<Action>`, as sent; the prefix is matched case-insensitively.
 * @returns undefined when the header is absent or names another service
 */
export function jsonTargetAction(request: HttpRequest): string | undefined {
  const target = request.headers['x-amz-target']?.trim();
  if (target === undefined || target.toLowerCase().slice(0, TARGET_PREFIX.length) !== TARGET_PREFIX) {
    return undefined;
  }
  return target.slice(TARGET_PREFIX.length);
}

/** The request structure; an empty body counts as `{}`, anything but a JSON object is `SerializationException`. */
export function parseJsonBody(body: string): JsonFields {
  if (body.trim() === '') return new JsonFields({});
  // Escapes such as \uDFFF are ASCII; a lone surrogate in the raw text stands for bytes that were not UTF-8.
  if (!isWellFormed(body)) throw serializationError('The request body is not valid UTF-8.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw serializationError('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serializationError('The request body must be a JSON object.');
  }
  return new JsonFields(parsed as JsonObject);
}

/** A 200 response carrying the action's result structure. */
export function jsonResponse(requestId: string, result: JsonObject): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: toJsonText(result),
  };
}

/**
 * An error as SQS sends it over JSON. `x-amzn-query-error` carries the legacy Query code: boto3 reports it as
 * `Error.Code`, and `@aws-sdk/client-sqs` uses it to find the modeled exception class (`QueueDoesNotExist`).
 */
export function jsonErrorResponse(requestId: string, error: SqsError): HttpResponse {
  const wire = wireError(error.code);
  return {
    status: wire.status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'x-amzn-RequestId': requestId,
      'x-amzn-query-error': `${wire.queryCode};${wire.fault ?? 'Sender'}`,
    },
    body: toJsonText({ __type: wire.jsonType, message: error.message }),
  };
}

/**
 * JSON text with every string well-formed: a lone surrogate a message echoes from the client would be written as a
 * `\udfff` escape, which some parsers refuse, so it becomes U+FFFD.
 */
export function toJsonText(value: JsonObject): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'string' && !isWellFormed(member) ? toWellFormed(member) : member,
  );
}

function toWellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}

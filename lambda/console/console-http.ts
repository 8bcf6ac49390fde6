import { SqsError } from '../engine/errors.js';
import { isWellFormed } from '../engine/field-rules.js';
import type { HttpResponse } from '../protocol/http.js';
import { wireError } from '../protocol/wire-errors.js';

/** Codes the console API adds to SQS's own (docs/console-api.md, Errors). */
export type ConsoleErrorCode =
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'MalformedRequest'
  | 'ConfirmationRequired'
  | 'MessageNotFound'
  | 'NotFifoQueue'
  | 'TopicNotFound';

const CONSOLE_STATUS: Readonly<Record<ConsoleErrorCode, number>> = {
  NotFound: 404,
  MethodNotAllowed: 405,
  MalformedRequest: 400,
  ConfirmationRequired: 400,
  MessageNotFound: 404,
  NotFifoQueue: 400,
  TopicNotFound: 404,
};

/** An error only the console API answers with; SQS's own errors stay `SqsError`s. */
export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** The longest request body the console reads: a 1 MiB message body, JSON-escaped, with its attributes. */
export const MAX_CONSOLE_BODY_BYTES = 8 * 1_048_576;

/** A JSON answer. */
export function jsonAnswer(
  requestId: string,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-amzn-requestid': requestId,
      'cache-control': 'no-store',
      ...headers,
    },
    body: JSON.stringify(value),
  };
}

/** The status and JSON of an error: SQS's status for SQS's codes, the console's table for its own. */
export function errorAnswer(requestId: string, error: SqsError | ConsoleError): HttpResponse {
  const status = error instanceof ConsoleError ? CONSOLE_STATUS[error.code] : wireError(error.code).status;
  const headers = error instanceof ConsoleError ? error.headers : {};
  return jsonAnswer(requestId, status, { error: { code: error.code, message: error.message } }, headers);
}

/** The request body as a JSON object; an empty body is `{}`. */
export function readJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  if (body.length > MAX_CONSOLE_BODY_BYTES) {
    throw new ConsoleError('MalformedRequest', 'The request body is too long.');
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ConsoleError('MalformedRequest', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConsoleError('MalformedRequest', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** The query string's parameters; a parameter given twice, or not well-formed Unicode, is refused. */
export function readQuery(query: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  if (!query) return params;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decodePart(equals === -1 ? part : part.slice(0, equals));
    const value = decodePart(equals === -1 ? '' : part.slice(equals + 1));
    if (params.has(name)) throw invalidValue(name, 'it is given more than once');
    params.set(name, value);
  }
  return params;
}

function decodePart(text: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new SqsError('InvalidParameterValue', 'The query string is not valid percent-encoded UTF-8.');
  }
  if (!isWellFormed(decoded)) {
    throw new SqsError('InvalidParameterValue', 'The query string is not well-formed Unicode.');
  }
  return decoded;
}

/** One path segment, percent-decoded. */
export function decodeSegment(segment: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new SqsError(
      'InvalidParameterValue',
      `The ${what} in the path is not valid percent-encoded UTF-8.`,
    );
  }
  if (!isWellFormed(decoded)) {
    throw new SqsError('InvalidParameterValue', `The ${what} in the path is not well-formed Unicode.`);
  }
  return decoded;
}

/** InvalidParameterValue for a console parameter, without echoing long or odd values. */
export function invalidValue(name: string, reason: string): SqsError {
  return new SqsError(
    'InvalidParameterValue',
    `Value for parameter ${short(name)} is invalid. Reason: ${reason}.`,
  );
}

function short(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > 64 ? `${safe.slice(0, 64)}...` : safe;
}

/** A whole number in [min, max], or the default when absent. */
export function intParam(
  params: Map<string, string>,
  name: string,
  range: { min: number; max: number; default: number },
): number {
  const text = params.get(name);
  if (text === undefined) return range.default;
  if (!/^\d{1,9}$/.test(text))
    throw invalidValue(name, `it must be a whole number from ${range.min} to ${range.max}`);
  const value = Number(text);
  if (value < range.min || value > range.max) {
    throw invalidValue(name, `it must be a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

/** One of a closed set, or the default when absent. */
export function enumParam<T extends string>(
  params: Map<string, string>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const text = params.get(name);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw invalidValue(name, `it must be one of ${allowed.join(', ')}`);
  return text as T;
}

/** A string field of a JSON body; undefined when absent. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(name, 'it must be a string');
  if (!isWellFormed(value)) throw invalidValue(name, 'it is not well-formed Unicode');
  return value;
}

/** A whole-number field of a JSON body (a number or a numeric string); undefined when absent. */
export function numberField(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^-?\d{1,12}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw invalidValue(name, 'it must be a whole number');
  }
  return number;
}

/** A map of strings (attributes, tags) from a JSON body; undefined when absent. */
export function stringMapField(
  body: Record<string, unknown>,
  name: string,
): Record<string, string> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidValue(name, 'it must be an object of strings');
  const out: Record<string, string> = Object.create(null);
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const text = typeof item === 'number' || typeof item === 'boolean' ? String(item) : item;
    if (typeof text !== 'string') throw invalidValue(name, 'its values must be strings');
    if (!isWellFormed(key) || !isWellFormed(text)) throw invalidValue(name, 'it is not well-formed Unicode');
    out[key] = text;
  }
  return out;
}

/**
 * Lambda event-source-mapping filters (`FilterCriteria`) for SQS records, in EventBridge's pattern syntax.
 * Lambda matches a pattern against the whole record (`body`, `attributes`, `messageAttributes`, ...); a
 * JSON body is matched by its structure and any other body as a plain string. When the body's format and
 * the pattern's `body` format differ, Lambda drops the record (Lambda Developer Guide, "Lambda event
 * filtering", "Properly filtering Amazon SQS messages").
 */
import type { ConditionDialect } from './conditions.js';
import { FilterPatternError } from './errors.js';
import { isPlainObject } from './matchers.js';
import {
  compilePatternTree,
  flattenMessage,
  matchesNode,
  type PatternTree,
  type TreeDialect,
} from './pattern-tree.js';

/** Most filters one event source mapping may hold (Lambda's default quota; AWS can raise it to 10). */
export const MAX_FILTERS_PER_MAPPING = 5;

/** Longest `Pattern` string Lambda accepts (API reference, `Filter.Pattern`: 0-4096 characters). */
export const MAX_FILTER_PATTERN_LENGTH = 4096;

/** What a pattern expects of the record's `body`: JSON keys, a plain string, or nothing. */
export type BodyFormat = 'json' | 'string' | 'none';

/** A compiled filter pattern. */
export interface CompiledPattern {
  readonly tree: PatternTree;
  readonly bodyFormat: BodyFormat;
}

/** The record fields a Lambda filter sees, as Lambda hands them to the function (`SQSRecord`). */
export interface SqsFilterRecord {
  readonly body: string;
  readonly [field: string]: unknown;
}

const fail = (reason: string): never => {
  throw new FilterPatternError(reason);
};

const EVENT_PATTERN_DIALECT: TreeDialect = {
  allowsWildcard: true,
  allowsIgnoreCaseAffixes: true,
  anythingButOperators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  allowsAnythingButLists: true,
  anythingButAffixReason: 'prefix/suffix match pattern must be a string',
  fail,
  tooDeepReason: 'Event pattern is nested too deeply',
} satisfies ConditionDialect & TreeDialect;

/**
 * Compiles one pattern: the `Pattern` string of a `Filter`, or its parsed JSON.
 * @throws FilterPatternError naming the fault as EventBridge does
 */
export function compileEventPattern(json: unknown): CompiledPattern {
  const pattern = typeof json === 'string' ? parsePatternText(json) : json;
  if (!isPlainObject(pattern)) return fail('Filter pattern must be a JSON object');
  const tree = compilePatternTree(pattern, EVENT_PATTERN_DIALECT);
  return { tree, bodyFormat: bodyFormatOf(pattern) };
}

function parsePatternText(text: string): unknown {
  if (text.length > MAX_FILTER_PATTERN_LENGTH) {
    return fail(`Filter pattern is longer than ${MAX_FILTER_PATTERN_LENGTH} characters`);
  }
  try {
    return JSON.parse(text);
  } catch {
    return fail('Filter pattern is not valid JSON');
  }
}

function bodyFormatOf(pattern: Record<string, unknown>): BodyFormat {
  if ('body' in pattern) return Array.isArray(pattern.body) ? 'string' : 'json';
  return Object.keys(pattern).some((key) => key.startsWith('body.')) ? 'json' : 'none';
}

/** A record with its body parsed once, ready to be matched against several patterns. */
interface PreparedRecord {
  readonly fields: Record<string, unknown>;
  readonly bodyIsJson: boolean;
}

/** Parses the body when it is a JSON object or array; any other body stays a plain string. */
function prepareRecord(record: SqsFilterRecord): PreparedRecord {
  const parsed = parseJsonBody(record.body);
  if (parsed === undefined) return { fields: record, bodyIsJson: false };
  return { fields: { ...record, body: parsed }, bodyIsJson: true };
}

function parseJsonBody(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  const start = body.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** True when the record passes the pattern. Never throws, whatever the record holds. */
export function matchesEventPattern(pattern: CompiledPattern, record: SqsFilterRecord): boolean {
  return matchesPrepared(pattern, prepareRecord(record));
}

function matchesPrepared(pattern: CompiledPattern, prepared: PreparedRecord): boolean {
  if (pattern.bodyFormat === 'json' && !prepared.bodyIsJson) return false;
  if (pattern.bodyFormat === 'string' && prepared.bodyIsJson) return false;
  const flat = flattenMessage(prepared.fields, pattern.tree.visitedPaths);
  return matchesNode(pattern.tree.root, flat);
}

/** The compiled `FilterCriteria` of one mapping. */
export interface CompiledFilterCriteria {
  readonly patterns: readonly CompiledPattern[];
}

/**
 * Compiles a mapping's `FilterCriteria.Filters`: at most {@link MAX_FILTERS_PER_MAPPING}, each a pattern string.
 * @throws FilterPatternError for too many filters or any invalid pattern
 */
export function compileFilterCriteria(
  filters: readonly { readonly Pattern?: string }[],
): CompiledFilterCriteria {
  if (filters.length > MAX_FILTERS_PER_MAPPING) {
    return fail(`A mapping can have at most ${MAX_FILTERS_PER_MAPPING} filters`);
  }
  return { patterns: filters.map((filter) => compileEventPattern(filter.Pattern ?? '')) };
}

/** True when the record matches any pattern; a mapping without filters lets every record through. */
export function matchesFilterCriteria(criteria: CompiledFilterCriteria, record: SqsFilterRecord): boolean {
  if (criteria.patterns.length === 0) return true;
  const prepared = prepareRecord(record);
  return criteria.patterns.some((pattern) => matchesPrepared(pattern, prepared));
}

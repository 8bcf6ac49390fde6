import { type CompiledPattern, compileEventPattern, matchesFilterCriteria } from '../filters/index.js';
import type { SqsRecord } from './sqs-event.js';

/**
 * A consumer's filters as users write them: a pattern object (`{ "body": { "kind": ["order"] } }`), its JSON
 * text, or a Lambda `Filter` (`{ "Pattern": "..." }`, or CDK's `FilterCriteria.filter(...)`, `{ "pattern": "..." }`).
 */
function patternOf(filter: unknown): unknown {
  if (typeof filter === 'object' && filter !== null && !Array.isArray(filter)) {
    const keys = Object.keys(filter);
    const wrapped = filter as { Pattern?: unknown; pattern?: unknown };
    if (keys.length === 1 && typeof wrapped.Pattern === 'string') return wrapped.Pattern;
    if (keys.length === 1 && typeof wrapped.pattern === 'string') return wrapped.pattern;
  }
  return filter;
}

/**
 * Compiles a consumer's filters into a predicate: a record passes when it matches any pattern (Lambda's
 * FilterCriteria); without filters every record passes.
 * @throws FilterPatternError for a pattern Lambda would refuse, with EventBridge's reason
 */
export function compileConsumerFilters(
  filters: readonly unknown[],
): ((record: SqsRecord) => boolean) | undefined {
  if (filters.length === 0) return undefined;
  const patterns: CompiledPattern[] = filters.map((filter) => compileEventPattern(patternOf(filter)));
  return (record) => matchesFilterCriteria({ patterns }, record as unknown as { body: string });
}

/** What is wrong with each filter that does not compile, as `filters[i]: <reason>`. */
export function filterProblems(filters: readonly unknown[]): string[] {
  const problems: string[] = [];
  filters.forEach((filter, index) => {
    try {
      compileEventPattern(patternOf(filter));
    } catch (error) {
      problems.push(`filters[${index}]: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return problems;
}

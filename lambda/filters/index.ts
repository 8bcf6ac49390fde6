/**
 * Pure, dependency-free matchers for the two pattern languages the service speaks: Lambda event-source-mapping
 * filters (EventBridge patterns over SQS records) and SNS subscription filter policies.
 */
export { FilterPatternError, FilterPolicyError, LAMBDA_INVALID_FILTER_MESSAGE } from './errors.js';
export {
  type BodyFormat,
  type CompiledFilterCriteria,
  type CompiledPattern,
  compileEventPattern,
  compileFilterCriteria,
  MAX_FILTER_PATTERN_LENGTH,
  MAX_FILTERS_PER_MAPPING,
  matchesEventPattern,
  matchesFilterCriteria,
  type SqsFilterRecord,
} from './event-pattern.js';
export {
  type CompiledPolicy,
  compileFilterPolicy,
  countCombinations,
  type FilterMessage,
  type FilterMessageAttribute,
  type FilterPolicyScope,
  MAX_FILTER_POLICY_BYTES,
  MAX_FILTER_POLICY_COMBINATIONS,
  MAX_FILTER_POLICY_KEYS,
  matchesFilterPolicy,
  parseFilterPolicyScope,
} from './filter-policy.js';

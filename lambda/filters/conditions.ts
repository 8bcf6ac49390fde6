/**
 * Compiles the list of value conditions under one key (`"key": ["a", {"prefix": "b"}, ...]`) into matchers.
 * EventBridge patterns (Lambda filters) and SNS filter policies share the syntax; a dialect says which
 * operators and forms each accepts. Reasons are AWS's own texts, recorded from the services.
 */
import { parseIpAddress } from './ip-address.js';
import { foldCase, isLeaf, isPlainObject, type Matcher, type NumericRange } from './matchers.js';
import { compileWildcard } from './wildcard.js';

/** What one pattern language accepts, and how it refuses. */
export interface ConditionDialect {
  /** `{"wildcard": "a*b"}`, plain or inside `anything-but` (EventBridge only). */
  readonly allowsWildcard: boolean;
  /** `{"prefix": {"equals-ignore-case": "x"}}` and the suffix form (EventBridge only). */
  readonly allowsIgnoreCaseAffixes: boolean;
  /** Operators allowed inside an `anything-but` object. */
  readonly anythingButOperators: ReadonlySet<string>;
  /** Whether `anything-but`'s `prefix`/`suffix`/... may list several values (EventBridge only). */
  readonly allowsAnythingButLists: boolean;
  /** @default - `<operator> match pattern must be a string`, SNS's words for a non-string `anything-but` prefix */
  readonly anythingButAffixReason?: string;
  /** Throws the language's error for `reason`. */
  readonly fail: (reason: string) => never;
}

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

/** Compiles one key's condition list; the caller has checked it is an array. */
export function compileConditions(list: readonly unknown[], dialect: ConditionDialect): Matcher[] {
  if (list.length === 0) dialect.fail('Empty arrays are not allowed');
  return list.map((condition) => compileCondition(condition, dialect));
}

function compileCondition(condition: unknown, dialect: ConditionDialect): Matcher {
  if (isLeaf(condition)) return { kind: 'equals', value: condition };
  if (Array.isArray(condition) || typeof condition !== 'object' || condition === null) {
    return dialect.fail('Match value must be String, number, true, false, or null');
  }
  const entries = Object.entries(condition);
  if (entries.length !== 1) dialect.fail('Only one key allowed in match expression');
  const [operator, operand] = entries[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compileAffix(operator, operand, dialect);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') dialect.fail('equals-ignore-case match pattern must be a string');
      return { kind: 'equals-ignore-case', value: foldCase(operand as string) };
    case 'wildcard':
      if (!dialect.allowsWildcard) break;
      return compileWildcardMatcher(operand, dialect);
    case 'exists':
      if (typeof operand !== 'boolean') dialect.fail('exists match pattern must be either true or false.');
      return { kind: 'exists', value: operand as boolean };
    case 'numeric':
      return { kind: 'numeric', range: compileNumericRange(operand, dialect) };
    case 'cidr':
      return compileCidr(operand, dialect);
    case 'anything-but':
      return { kind: 'anything-but', excluded: compileAnythingBut(operand, dialect) };
  }
  return dialect.fail(`Unrecognized match type ${operator}`);
}

function compileAffix(kind: 'prefix' | 'suffix', operand: unknown, dialect: ConditionDialect): Matcher {
  if (typeof operand === 'string') return { kind, value: operand, ignoreCase: false };
  if (dialect.allowsIgnoreCaseAffixes && isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [inner, value] = entries[0] ?? [];
    if (entries.length === 1 && inner === 'equals-ignore-case' && typeof value === 'string') {
      return { kind, value: foldCase(value), ignoreCase: true };
    }
  }
  return dialect.fail(`${kind} match pattern must be a string`);
}

function compileWildcardMatcher(operand: unknown, dialect: ConditionDialect): Matcher {
  if (typeof operand !== 'string') dialect.fail('wildcard match pattern must be a string');
  const compiled = compileWildcard(operand as string);
  if ('problem' in compiled) return dialect.fail(compiled.problem);
  return { kind: 'wildcard', pattern: compiled };
}

/** `{"cidr": "10.0.0.0/24"}`; AWS reports a non-string operand with the prefix operator's words. */
function compileCidr(operand: unknown, dialect: ConditionDialect): Matcher {
  if (typeof operand !== 'string') return dialect.fail('prefix match pattern must be a string');
  const parts = operand.split('/');
  if (parts.length !== 2) return dialect.fail("Malformed CIDR, one '/' required");
  const [ipText = '', maskText = ''] = parts;
  if (!/^[0-9]{1,3}$/.test(maskText)) return dialect.fail('Malformed CIDR, mask bits must be an integer');
  const address = parseIpAddress(ipText);
  const maskBits = Number(maskText);
  if (address === undefined || maskBits > address.bits) {
    return dialect.fail(`Nonstandard IP address: ${ipText}`);
  }
  return { kind: 'cidr', block: { bits: address.bits, network: address.value, maskBits } };
}

/**
 * `numeric`: one comparison, or a lower bound (`>`/`>=`) followed by an upper bound (`<`/`<=`). The checks run
 * in the order AWS reports them, so the first fault named is the one AWS names.
 */
function compileNumericRange(operand: unknown, dialect: ConditionDialect): NumericRange {
  if (!Array.isArray(operand)) return dialect.fail('Value of numeric must be an array.');
  if (operand.length === 0) return dialect.fail('Invalid member in numeric match: ]');
  const [operator, value, secondOperator, secondValue] = operand as unknown[];
  if (typeof operator !== 'string') return dialect.fail(`Invalid member in numeric match: ${show(operator)}`);
  if (!NUMERIC_OPERATORS.has(operator)) {
    return dialect.fail(`Unrecognized numeric range operator: ${operator}`);
  }
  if (typeof value !== 'number') return dialect.fail(`Value of ${nameOf(operator)} must be numeric`);
  const first = boundOf(operator, value);
  if (operand.length === 2) return first;
  if (operator !== '>' && operator !== '>=') dialect.fail('Too many elements in numeric expression');
  if (typeof secondOperator !== 'string') {
    return dialect.fail(`Bad value in numeric range: ${show(secondOperator)}`);
  }
  if (secondOperator !== '<' && secondOperator !== '<=') {
    return dialect.fail(`Bad numeric range operator: ${secondOperator}`);
  }
  if (typeof secondValue !== 'number') return dialect.fail(`Value of ${secondOperator} must be numeric`);
  if (secondValue <= value) return dialect.fail('Bottom must be less than top');
  if (operand.length > 4) return dialect.fail('Too many terms in numeric range expression');
  return { ...first, upper: { value: secondValue, inclusive: secondOperator === '<=' } };
}

function boundOf(operator: string, value: number): NumericRange {
  switch (operator) {
    case '=':
      return { lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    case '>':
      return { lower: { value, inclusive: false } };
    case '>=':
      return { lower: { value, inclusive: true } };
    case '<':
      return { upper: { value, inclusive: false } };
    default:
      return { upper: { value, inclusive: true } };
  }
}

function nameOf(operator: string): string {
  return operator === '=' ? 'equals' : operator;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

const ANYTHING_BUT_SHAPE = 'Value of anything-but must be an array or single string/number value.';

/** The conditions an `anything-but` excludes: values, or one `prefix`/`suffix`/... operator. */
function compileAnythingBut(operand: unknown, dialect: ConditionDialect): Matcher[] {
  if (typeof operand === 'string' || typeof operand === 'number') return [{ kind: 'equals', value: operand }];
  if (Array.isArray(operand)) {
    if (operand.length === 0) dialect.fail('Empty arrays are not allowed');
    return operand.map((value): Matcher => {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return dialect.fail('Inside anything but list, start|null|boolean is not supported.');
      }
      return { kind: 'equals', value };
    });
  }
  if (!isPlainObject(operand)) return dialect.fail(ANYTHING_BUT_SHAPE);
  const entries = Object.entries(operand);
  if (entries.length !== 1) return dialect.fail('Only one key allowed in match expression');
  const [operator, inner] = entries[0] as [string, unknown];
  if (!dialect.anythingButOperators.has(operator)) {
    return dialect.fail(`Unsupported anything-but pattern: ${operator}`);
  }
  const values = Array.isArray(inner) && dialect.allowsAnythingButLists ? inner : [inner];
  if (values.length === 0) dialect.fail('Empty arrays are not allowed');
  return values.map((value) => compileExcludedOperator(operator, value, dialect));
}

function compileExcludedOperator(operator: string, value: unknown, dialect: ConditionDialect): Matcher {
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (isPlainObject(value)) return dialect.fail(ANYTHING_BUT_SHAPE);
      if (typeof value !== 'string') {
        return dialect.fail(dialect.anythingButAffixReason ?? `${operator} match pattern must be a string`);
      }
      if (value === '') return dialect.fail('Null prefix/suffix not allowed');
      return { kind: operator, value, ignoreCase: false };
    case 'equals-ignore-case':
      if (typeof value !== 'string') {
        return dialect.fail(
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      }
      return { kind: 'equals-ignore-case', value: foldCase(value) };
    default:
      return compileWildcardMatcher(value, dialect);
  }
}

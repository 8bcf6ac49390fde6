/**
 * The compiled form of one value condition (`"x"`, `{"prefix": "x"}`, `{"numeric": [...]}`, ...) shared by
 * Lambda event filters and SNS filter policies, and how it judges one leaf value of a message.
 */
import { type CidrBlock, isInCidrBlock, parseIpAddress } from './ip-address.js';
import { matchesWildcard, type WildcardPattern } from './wildcard.js';

/** A scalar found in a message: JSON's string, number, boolean and null. */
export type Leaf = string | number | boolean | null;

/** True for JSON's scalars. */
export function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

/** True for a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bounds of a `numeric` condition; an absent bound is open. */
export interface NumericRange {
  readonly lower?: { readonly value: number; readonly inclusive: boolean };
  readonly upper?: { readonly value: number; readonly inclusive: boolean };
}

/** One compiled condition. */
export type Matcher =
  | { readonly kind: 'equals'; readonly value: Leaf }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly pattern: WildcardPattern }
  | { readonly kind: 'numeric'; readonly range: NumericRange }
  | { readonly kind: 'cidr'; readonly block: CidrBlock }
  | { readonly kind: 'exists'; readonly value: boolean }
  /** Matches a present value that none of `excluded` matches (null and numbers included). */
  | { readonly kind: 'anything-but'; readonly excluded: readonly Matcher[] };

/**
 * Case folding for the `equals-ignore-case` family. EventBridge folds with Unicode's simple case mapping;
 * `toLowerCase` agrees with it for every letter but a few that expand (such as `ß`).
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** True when the leaf `value` satisfies `matcher`; `exists` is judged by the caller, from presence. */
export function matchesLeaf(matcher: Matcher, value: Leaf): boolean {
  switch (matcher.kind) {
    case 'equals':
      return value === matcher.value;
    case 'prefix':
      if (typeof value !== 'string') return false;
      return matcher.ignoreCase ? foldCase(value).startsWith(matcher.value) : value.startsWith(matcher.value);
    case 'suffix':
      if (typeof value !== 'string') return false;
      return matcher.ignoreCase ? foldCase(value).endsWith(matcher.value) : value.endsWith(matcher.value);
    case 'equals-ignore-case':
      return typeof value === 'string' && foldCase(value) === matcher.value;
    case 'wildcard':
      return typeof value === 'string' && matchesWildcard(matcher.pattern, value);
    case 'numeric':
      return typeof value === 'number' && isInRange(matcher.range, value);
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const address = parseIpAddress(value);
      return address !== undefined && isInCidrBlock(matcher.block, address);
    }
    case 'exists':
      return matcher.value;
    case 'anything-but':
      return !matcher.excluded.some((excluded) => matchesLeaf(excluded, value));
  }
}

function isInRange(range: NumericRange, value: number): boolean {
  const { lower, upper } = range;
  if (lower && (lower.inclusive ? value < lower.value : value <= lower.value)) return false;
  if (upper && (upper.inclusive ? value > upper.value : value >= upper.value)) return false;
  return true;
}

/**
 * True when the values found at one key satisfy one condition: `exists` looks only at presence, every other
 * condition needs one of the values to satisfy it (an array in a message offers each element).
 */
export function matchesValues(matcher: Matcher, values: readonly Leaf[]): boolean {
  if (matcher.kind === 'exists') return matcher.value === values.length > 0;
  for (const value of values) if (matchesLeaf(matcher, value)) return true;
  return false;
}

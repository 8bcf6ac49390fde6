/**
 * SNS subscription filter policies (SNS Developer Guide, "Amazon SNS message filtering" and "Filter policy
 * constraints in Amazon SNS"). With `FilterPolicyScope` `MessageAttributes` the policy's keys are attribute
 * names; with `MessageBody` they are keys of the JSON message body, nested keys included. The syntax is
 * EventBridge's without `wildcard`, and the faults are SNS's own `InvalidParameter` messages.
 */
import type { ConditionDialect } from './conditions.js';
import { FilterPolicyError } from './errors.js';
import { isLeaf, isPlainObject, type Leaf } from './matchers.js';
import {
  compilePatternTree,
  type FlatMessage,
  flattenMessage,
  MAX_PATTERN_DEPTH,
  matchesNode,
  type PatternTree,
  type TreeDialect,
} from './pattern-tree.js';

/** Where a policy looks: message attributes (SNS's default) or the JSON message body. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** Most top-level keys a policy may have (for a nested policy only the top-level keys count). */
export const MAX_FILTER_POLICY_KEYS = 5;
/** Most value combinations a policy may describe (see {@link countCombinations}). */
export const MAX_FILTER_POLICY_COMBINATIONS = 150;
/** Largest policy, in UTF-8 bytes. */
export const MAX_FILTER_POLICY_BYTES = 256 * 1024;

/** A compiled filter policy. */
export interface CompiledPolicy {
  readonly scope: FilterPolicyScope;
  readonly tree: PatternTree;
}

/** A message attribute as SNS receives it on Publish; structurally the engine's `MessageAttributeValue`. */
export interface FilterMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: unknown;
}

/** What a policy is matched against. */
export interface FilterMessage {
  readonly messageAttributes?: Readonly<Record<string, FilterMessageAttribute>>;
  readonly body?: string;
}

const fail = (reason: string): never => {
  throw new FilterPolicyError(reason);
};

const FILTER_POLICY_DIALECT: TreeDialect = {
  allowsWildcard: false,
  allowsIgnoreCaseAffixes: false,
  // The suffix form is what the service's users ask for and what AWS's matcher (event-ruler) supports; an SNS
  // answer recorded in May 2024 refused it, so a policy using it may be refused by an older AWS region.
  anythingButOperators: new Set(['prefix', 'suffix']),
  allowsAnythingButLists: false,
  fail,
  tooDeepReason: 'Filter policy is too complex',
} satisfies ConditionDialect & TreeDialect;

/**
 * Reads a `FilterPolicyScope` attribute value.
 * @throws FilterPolicyError with SNS's message for any other value
 */
export function parseFilterPolicyScope(value: string): FilterPolicyScope {
  if (value === 'MessageAttributes' || value === 'MessageBody') return value;
  throw new FilterPolicyError(
    `Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
    'FilterPolicyScope',
  );
}

/**
 * Compiles a `FilterPolicy` attribute value for a scope. Checks run in the order SNS reports them: size and
 * JSON, key count, structure, complexity, then each condition.
 * @throws FilterPolicyError whose message is SNS's
 */
export function compileFilterPolicy(policyJson: string, scope: FilterPolicyScope): CompiledPolicy {
  if (Buffer.byteLength(policyJson, 'utf8') > MAX_FILTER_POLICY_BYTES) fail('Filter policy is too long');
  const policy = parsePolicy(policyJson);
  if (Object.keys(policy).length > MAX_FILTER_POLICY_KEYS) {
    fail(`Filter policy can not have more than ${MAX_FILTER_POLICY_KEYS} keys`);
  }
  if (countCombinations(policy, scope) > MAX_FILTER_POLICY_COMBINATIONS) fail('Filter policy is too complex');
  return { scope, tree: compilePatternTree(policy, FILTER_POLICY_DIALECT) };
}

function parsePolicy(policyJson: string): Record<string, unknown> {
  let policy: unknown;
  try {
    policy = JSON.parse(policyJson);
  } catch {
    return fail('failed to parse JSON.');
  }
  if (!isPlainObject(policy)) return fail('failed to parse JSON.');
  return policy;
}

/**
 * SNS's complexity measure, as its guide computes it: the product of the value counts of every key, each
 * multiplied by how deep the key is nested (`{"a": {"b": [1, 2]}}` counts 2 × 2), with the branches of an
 * `$or` added together. It also refuses the shapes SNS refuses before counting.
 */
export function countCombinations(policy: Record<string, unknown>, scope: FilterPolicyScope): number {
  return countNode(policy, scope, { depth: 1, nesting: 1 }, 1);
}

/** `depth` weighs keys as SNS does (an `$or` adds none); `nesting` bounds the recursion, `$or` included. */
interface Level {
  readonly depth: number;
  readonly nesting: number;
}

function countNode(
  node: Record<string, unknown>,
  scope: FilterPolicyScope,
  level: Level,
  carried: number,
): number {
  const { depth, nesting } = level;
  if (nesting > MAX_PATTERN_DEPTH) fail('Filter policy is too complex');
  let combinations = carried;
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      if (value.length === 0) fail('Empty arrays are not allowed');
      if (key === '$or' && value.every(isPlainObject)) {
        let sum = 0;
        for (const branch of value) {
          sum += countNode(branch, scope, { depth, nesting: nesting + 1 }, combinations);
        }
        combinations = sum;
      } else {
        combinations *= value.length * depth;
      }
    } else if (isPlainObject(value)) {
      if (scope === 'MessageAttributes') {
        throw new FilterPolicyError(
          'Filter policy scope MessageAttributes does not support nested filter policy',
          null,
        );
      }
      combinations = countNode(value, scope, { depth: depth + 1, nesting: nesting + 1 }, combinations);
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return combinations;
}

/** True when the message passes the policy. Never throws, whatever the message holds. */
export function matchesFilterPolicy(policy: CompiledPolicy, message: FilterMessage): boolean {
  const flat =
    policy.scope === 'MessageAttributes'
      ? flattenAttributes(message.messageAttributes ?? {})
      : flattenBody(message.body, policy.tree);
  return flat !== undefined && matchesNode(policy.tree.root, flat);
}

/** A body-scoped policy needs a JSON object body; any other body never matches. */
function flattenBody(body: string | undefined, tree: PatternTree): FlatMessage | undefined {
  if (body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return isPlainObject(parsed) ? flattenMessage(parsed, tree.visitedPaths) : undefined;
}

/**
 * Attributes as SNS's matcher sees them: a `String` as a string, a `Number` as a number, each scalar element
 * of a `String.Array` on its own; `Binary` attributes are ignored, as if absent.
 */
function flattenAttributes(attributes: Readonly<Record<string, FilterMessageAttribute>>): FlatMessage {
  const flat = new Map<string, readonly Leaf[]>();
  for (const [name, attribute] of Object.entries(attributes)) {
    const values = attributeValues(attribute);
    if (values !== undefined) flat.set(name, values);
  }
  return flat;
}

function attributeValues(attribute: FilterMessageAttribute): readonly Leaf[] | undefined {
  const { dataType, stringValue } = attribute;
  if (typeof dataType !== 'string' || typeof stringValue !== 'string') return undefined;
  if (dataType === 'String.Array') return arrayElements(stringValue);
  const baseType = dataType.split('.')[0];
  if (baseType === 'String') return [stringValue];
  if (baseType === 'Number') {
    const value = Number(stringValue);
    return stringValue.trim() !== '' && Number.isFinite(value) ? [value] : [];
  }
  return undefined;
}

function arrayElements(stringValue: string): readonly Leaf[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stringValue);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isLeaf);
}

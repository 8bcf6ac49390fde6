/**
 * The shape shared by EventBridge patterns and SNS filter policies: keys that nest, a condition list at each
 * leaf key, and `$or` blocks. Both services match on flattened paths, so `{"a": {"b": [1]}}` and
 * `{"a.b": [1]}` mean the same, in a pattern and in a message alike.
 */
import { type ConditionDialect, compileConditions } from './conditions.js';
import { isLeaf, isPlainObject, type Leaf, type Matcher, matchesValues } from './matchers.js';

/** The conditions on one flattened path; any one of them may match (OR). */
export interface FieldCondition {
  readonly path: string;
  readonly matchers: readonly Matcher[];
}

/** A compiled pattern: every field must match (AND), and every `$or` group must have a matching branch. */
export interface PatternNode {
  readonly fields: readonly FieldCondition[];
  readonly anyOf: readonly (readonly PatternNode[])[];
}

/** A compiled pattern with the paths a message must be searched for. */
export interface PatternTree {
  readonly root: PatternNode;
  /** Every field path and each of its dot-separated prefixes: the parts of a message worth visiting. */
  readonly visitedPaths: ReadonlySet<string>;
}

/** How deep a pattern may nest: deeper ones are refused before they can exhaust the stack. */
export const MAX_PATTERN_DEPTH = 100;

/** Pattern-level rules on top of the condition dialect. */
export interface TreeDialect extends ConditionDialect {
  /** Reason given for a pattern deeper than {@link MAX_PATTERN_DEPTH}. */
  readonly tooDeepReason: string;
}

/** Compiles a parsed JSON object; the caller has checked it is a plain object. */
export function compilePatternTree(pattern: Record<string, unknown>, dialect: TreeDialect): PatternTree {
  const visitedPaths = new Set<string>();
  const root = compileNode(pattern, undefined, 1, dialect, visitedPaths);
  return { root, visitedPaths };
}

function compileNode(
  pattern: Record<string, unknown>,
  parentPath: string | undefined,
  depth: number,
  dialect: TreeDialect,
  visitedPaths: Set<string>,
): PatternNode {
  if (depth > MAX_PATTERN_DEPTH) dialect.fail(dialect.tooDeepReason);
  const fields: FieldCondition[] = [];
  const anyOf: (readonly PatternNode[])[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && isOrBlock(value)) {
      anyOf.push(value.map((branch) => compileNode(branch, parentPath, depth + 1, dialect, visitedPaths)));
      continue;
    }
    const path = parentPath === undefined ? key : `${parentPath}.${key}`;
    if (Array.isArray(value)) {
      fields.push({ path, matchers: compileConditions(value, dialect) });
      addWithPrefixes(visitedPaths, path);
    } else if (isPlainObject(value)) {
      const nested = compileNode(value, path, depth + 1, dialect, visitedPaths);
      fields.push(...nested.fields);
      anyOf.push(...nested.anyOf);
    } else {
      dialect.fail(`"${key}" must be an object or an array`);
    }
  }
  return { fields, anyOf };
}

/** `$or` is an operator only when it holds objects; otherwise it is a key like any other. */
function isOrBlock(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isPlainObject);
}

function addWithPrefixes(paths: Set<string>, path: string): void {
  paths.add(path);
  for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
    paths.add(path.slice(0, dot));
  }
}

/** The scalar values of a message by flattened path; arrays give each element at the array's own path. */
export type FlatMessage = ReadonlyMap<string, readonly Leaf[]>;

/**
 * Flattens a parsed JSON object, visiting only paths the pattern names. It uses its own stack, so a message
 * nested thousands deep costs time in proportion to its size and never overflows the call stack.
 */
export function flattenMessage(
  message: Record<string, unknown>,
  visitedPaths: ReadonlySet<string>,
): FlatMessage {
  const flat = new Map<string, Leaf[]>();
  const pending: [string, unknown][] = [];
  for (const [key, value] of Object.entries(message)) pending.push([key, value]);
  while (pending.length > 0) {
    const [path, value] = pending.pop() as [string, unknown];
    if (!visitedPaths.has(path)) continue;
    if (Array.isArray(value)) {
      for (const element of value) pending.push([path, element]);
    } else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) pending.push([`${path}.${key}`, child]);
    } else if (isLeaf(value)) {
      const values = flat.get(path);
      if (values) values.push(value);
      else flat.set(path, [value]);
    }
  }
  return flat;
}

/** True when the flattened message satisfies the node: cost grows with pattern size × values per path. */
export function matchesNode(node: PatternNode, message: FlatMessage): boolean {
  for (const field of node.fields) {
    const values = message.get(field.path) ?? [];
    if (!field.matchers.some((matcher) => matchesValues(matcher, values))) return false;
  }
  for (const branches of node.anyOf) {
    if (!branches.some((branch) => matchesNode(branch, message))) return false;
  }
  return true;
}

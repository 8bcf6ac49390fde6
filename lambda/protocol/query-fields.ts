import { invalidParameter, MissingParameter } from '../engine/errors.js';
import type { StringMap } from '../engine/types.js';
import { decodeBase64 } from './binary.js';
import type { ListName, MapName, WireFields } from './fields.js';

/**
 * One dotted segment of Query parameter names: `Attribute.1.Name=x` is the path Attribute → 1 → Name. Parameters
 * become a tree once, so reading `Entry.N.*` costs no scan of every parameter per entry, and a huge N allocates
 * nothing.
 */
export interface ParamNode {
  value?: string;
  readonly children: Map<string, ParamNode>;
}

/** Builds the parameter tree of a Query request (SQS's and SNS's); a name sent twice keeps its last value. */
export function paramTree(params: Iterable<readonly [string, string]>): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [name, value] of params) {
    let node = root;
    for (const segment of name.split('.')) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.value = value;
  }
  return root;
}

/** A list index as Query clients write it: 1, 2, ... without leading zeros. Others are ignored like unknown names. */
const INDEX_PATTERN = /^[1-9][0-9]*$/;

/** Reads the members of a Query (form-encoded) request structure (see {@link WireFields}). */
export class QueryFields implements WireFields {
  private constructor(
    private readonly node: ParamNode,
    private readonly prefix: string,
  ) {}

  /** Builds the parameter tree; a name sent twice keeps its last value. */
  static fromParams(params: Iterable<readonly [string, string]>): QueryFields {
    return new QueryFields(paramTree(params), '');
  }

  path(name: string): string {
    return `${this.prefix}${name}`;
  }

  string(name: string): string | undefined {
    return this.node.children.get(name)?.value;
  }

  requiredString(name: string, emptyIsMissing = false): string {
    const value = this.string(name);
    if (value === undefined || (emptyIsMissing && value === '')) throw new MissingParameter(this.path(name));
    return value;
  }

  integer(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = /^[+-]?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) throw invalidParameter(this.path(name), text, 'Must be an integer.');
    return value;
  }

  requiredInteger(name: string): number {
    const value = this.integer(name);
    if (value === undefined) throw new MissingParameter(this.path(name));
    return value;
  }

  blob(name: string): Uint8Array | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const bytes = decodeBase64(text);
    if (bytes === undefined) throw invalidParameter(this.path(name), text, 'Must be base64-encoded.');
    return bytes;
  }

  stringList(name: ListName): string[] | undefined {
    const items = this.indexed(name.query);
    return items?.flatMap(([, node]) => (node.value === undefined ? [] : [node.value]));
  }

  stringMap(name: MapName): StringMap | undefined {
    const entries = this.mapEntries(name);
    if (entries === undefined) return undefined;
    const map: Record<string, string> = Object.create(null);
    for (const [key, entry] of entries) map[key] = entry.requiredString(name.value);
    return map;
  }

  structList(name: ListName): WireFields[] | undefined {
    return this.indexed(name.query)?.map(
      ([index, node]) => new QueryFields(node, `${this.path(name.query)}.${index}.`),
    );
  }

  structMap(name: MapName): Map<string, WireFields> | undefined {
    const entries = this.mapEntries(name);
    if (entries === undefined) return undefined;
    const map = new Map<string, WireFields>();
    for (const [key, entry] of entries) map.set(key, entry.child(name.value));
    return map;
  }

  /** Entries `{query}.N.{key}` with their fields, in index order; every entry must name its key. */
  private mapEntries(name: MapName): [string, QueryFields][] | undefined {
    return this.indexed(name.query)?.map(([index, node]) => {
      const entry = new QueryFields(node, `${this.path(name.query)}.${index}.`);
      return [entry.requiredString(name.key), entry];
    });
  }

  /** The nested structure `{name}.*`, empty when nothing was sent for it. */
  private child(name: string): QueryFields {
    return new QueryFields(this.node.children.get(name) ?? { children: new Map() }, `${this.path(name)}.`);
  }

  /** The children `{name}.1`, `{name}.2`, ... in numeric order; `[]` when only `{name}=` was sent (an empty list). */
  private indexed(name: string): [string, ParamNode][] | undefined {
    const list = this.node.children.get(name);
    if (list === undefined) return undefined;
    return [...list.children]
      .filter(([index]) => INDEX_PATTERN.test(index))
      .sort(([a], [b]) => compareIndex(a, b));
  }
}

/** Orders canonical decimal strings numerically without converting them, so a 400-digit index cannot overflow. */
function compareIndex(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

import { MissingParameter, SqsError } from '../engine/errors.js';
import type { StringMap } from '../engine/types.js';
import { decodeBase64 } from './binary.js';
import type { ListName, MapName, WireFields } from './fields.js';

/** A parsed JSON object; `null` members count as absent, as in every AWS JSON service. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON value of the wrong type: AWS JSON services answer `SerializationException` before any validation. */
export function serializationError(message: string): SqsError {
  return new SqsError('MalformedRequest', message);
}

/** Reads the members of a JSON request structure (see {@link WireFields}). */
export class JsonFields implements WireFields {
  constructor(
    private readonly object: JsonObject,
    private readonly prefix = '',
  ) {}

  path(name: string): string {
    return `${this.prefix}${name}`;
  }

  string(name: string): string | undefined {
    return asString(this.member(name));
  }

  requiredString(name: string, emptyIsMissing = false): string {
    const value = this.string(name);
    if (value === undefined || (emptyIsMissing && value === '')) throw new MissingParameter(this.path(name));
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.member(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw serializationError(cannotConvert(value, 'an Integer'));
    }
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
    if (bytes === undefined)
      throw serializationError(`Base64 encoded value for ${this.path(name)} is invalid.`);
    return bytes;
  }

  stringList(name: ListName): string[] | undefined {
    return this.array(name.json)?.flatMap((item) => asString(item) ?? []);
  }

  stringMap(name: MapName): StringMap | undefined {
    const object = this.objectMember(name.json);
    if (object === undefined) return undefined;
    const map: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(object)) {
      const text = asString(value);
      if (text !== undefined) map[key] = text;
    }
    return map;
  }

  structList(name: ListName): WireFields[] | undefined {
    return this.array(name.json)?.map(
      (item, index) => new JsonFields(asObject(item) ?? {}, `${this.path(name.json)}.${index + 1}.`),
    );
  }

  structMap(name: MapName): Map<string, WireFields> | undefined {
    const object = this.objectMember(name.json);
    if (object === undefined) return undefined;
    const entries = new Map<string, WireFields>();
    for (const [key, value] of Object.entries(object)) {
      const struct = asObject(value);
      if (struct !== undefined) entries.set(key, new JsonFields(struct, `${this.path(name.json)}.${key}.`));
    }
    return entries;
  }

  private member(name: string): unknown {
    if (!Object.hasOwn(this.object, name)) return undefined;
    const value = this.object[name];
    return value === null ? undefined : value;
  }

  private array(name: string): readonly unknown[] | undefined {
    const value = this.member(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw serializationError(cannotConvert(value, 'a List'));
    return value;
  }

  private objectMember(name: string): JsonObject | undefined {
    return asObject(this.member(name));
  }
}

/** A string, or undefined for null; anything else is a serialization error. */
function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(cannotConvert(value, 'a String'));
  return value;
}

/** A structure or map, or undefined for null; anything else is a serialization error. */
function asObject(value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError(cannotConvert(value, 'a Structure or Map'));
  }
  return value as JsonObject;
}

/** Coral's wording, e.g. `STRING_VALUE can not be converted to an Integer`. */
function cannotConvert(value: unknown, target: string): string {
  if (Array.isArray(value)) return 'Start of list found where not expected';
  if (typeof value === 'object' && value !== null)
    return 'Start of structure or map found where not expected.';
  return `${jsonTokenName(value)} can not be converted to ${target}`;
}

function jsonTokenName(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
    default:
      return 'VALUE';
  }
}

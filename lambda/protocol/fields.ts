import type { StringMap } from '../engine/types.js';

/** A list's names on both wires: the JSON member (`AttributeNames`) and Query's flattened member (`AttributeName`). */
export interface ListName {
  readonly json: string;
  readonly query: string;
}

/**
 * A map's names on both wires: the JSON member (`Attributes`), and Query's flattened entry (`Attribute`) with the
 * names of its key and value (`Attribute.1.Name`, `Attribute.1.Value`).
 */
export interface MapName {
  readonly json: string;
  readonly query: string;
  readonly key: string;
  readonly value: string;
}

/**
 * The members of one request structure, read the same way whichever protocol carried them, so each action has a
 * single decoder. Readers check shape only: a member of the wrong type is rejected in the protocol's own way (JSON:
 * `SerializationException`; Query: `InvalidParameterValue`), a missing required member is `MissingParameter`, and
 * value rules are left to the engine. Maps built from client keys have no prototype.
 */
export interface WireFields {
  /** The name of a member as the client sent it, for messages: `SendMessageBatchRequestEntry.2.Id`. */
  path(name: string): string;
  string(name: string): string | undefined;
  /** @param emptyIsMissing treat `""` like an absent member, as SQS does for `QueueUrl` and `MessageBody` */
  requiredString(name: string, emptyIsMissing?: boolean): string;
  integer(name: string): number | undefined;
  requiredInteger(name: string): number;
  /** A base64 blob, decoded. */
  blob(name: string): Uint8Array | undefined;
  stringList(name: ListName): string[] | undefined;
  stringMap(name: MapName): StringMap | undefined;
  structList(name: ListName): WireFields[] | undefined;
  /** Map entries in the order sent; a key sent twice keeps its last value. */
  structMap(name: MapName): Map<string, WireFields> | undefined;
}

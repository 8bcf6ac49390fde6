import { MissingParameter } from '../../engine/errors.js';
import type { StringMap } from '../../engine/types.js';
import type { ListName, MapName, WireFields } from '../fields.js';
import { element, textElement } from '../xml.js';
import type { WireContext } from './action.js';

/** `Attributes` / `Attribute.N.Name` + `Attribute.N.Value`: queue attributes, and system attributes of a message. */
export const ATTRIBUTES: MapName = { json: 'Attributes', query: 'Attribute', key: 'Name', value: 'Value' };

/** `Tags` / `Tag.N.Key` + `Tag.N.Value`. */
export const TAGS: MapName = { json: 'Tags', query: 'Tag', key: 'Key', value: 'Value' };

/** The queue named by the required `QueueUrl` (an empty one counts as missing). */
export function decodeQueueName(fields: WireFields, context: WireContext): string {
  return context.queueUrls.toQueueName(fields.requiredString('QueueUrl', true));
}

/** A required map or list; an absent one is `MissingParameter` with the model's member name. */
export function required<T>(value: T | undefined, fields: WireFields, name: MapName | ListName): T {
  if (value === undefined) throw new MissingParameter(fields.path(name.json));
  return value;
}

/** A map in JSON, or undefined when empty: SQS leaves out empty maps. */
export function jsonMap(map: StringMap): StringMap | undefined {
  return Object.keys(map).length === 0 ? undefined : map;
}

/** A flattened Query map: `<Attribute><Name>k</Name><Value>v</Value></Attribute>` per entry. */
export function queryMap(map: StringMap, name: MapName): string {
  return Object.entries(map)
    .map(([key, value]) => element(name.query, textElement(name.key, key) + textElement(name.value, value)))
    .join('');
}

import type { StringMap } from '../engine/types.js';
import { invalidParameter, SnsError } from './errors.js';
import { isWellFormedText } from './text.js';

/** SNS's tag rules (the same as for every AWS resource): 50 per resource, keys 1-128, values 0-256 characters. */
export const MAX_TAGS_PER_TOPIC = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Checks tags as sent (a list, so duplicates can be seen) and returns them as a map. */
export function checkTags(tags: readonly Tag[]): StringMap {
  const map: Record<string, string> = Object.create(null);
  for (const { key, value } of tags) {
    if (key in map) throw invalidParameter('Duplicated keys are not allowed.');
    if (
      key.length < 1 ||
      key.length > MAX_TAG_KEY_LENGTH ||
      !isWellFormedText(key) ||
      !TAG_TEXT.test(key) ||
      key.toLowerCase().startsWith('aws:')
    ) {
      throw invalidParameter('Tags Reason: Invalid tag key');
    }
    if (value.length > MAX_TAG_VALUE_LENGTH || !isWellFormedText(value) || !TAG_TEXT.test(value)) {
      throw invalidParameter('Tags Reason: Invalid tag value');
    }
    map[key] = value;
  }
  return map;
}

/** Refuses a change that would leave a topic with more than 50 tags. */
export function checkTagCount(current: StringMap, added: StringMap, removed: readonly string[] = []): void {
  const keys = new Set(Object.keys(current));
  for (const key of Object.keys(added)) keys.add(key);
  for (const key of removed) keys.delete(key);
  if (keys.size > MAX_TAGS_PER_TOPIC) {
    throw new SnsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
  }
}

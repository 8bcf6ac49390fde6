import type { Store } from '../storage/store.js';
import { InvalidParameterValue } from './errors.js';
import { isWellFormed } from './field-rules.js';

/** Deeper than any store argument; a deeper value is refused rather than walked. */
const MAX_DEPTH = 16;

/**
 * The last line behind field-rules.ts: every argument the engine hands the store is walked, and a string (or map
 * key) that is not well-formed Unicode is refused with `InvalidParameterValue` before the call. DynamoDB Local keeps
 * items as JSON in SQLite and cannot read back an item holding a lone surrogate, so one such string would leave a
 * queue, or a whole account's ListQueues, failing for good. Field rules give each field its own error first; this
 * catches a field a rule forgot.
 */
export function guardStore(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        for (const arg of args) refuseIllFormed(arg, 0);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function refuseIllFormed(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (!isWellFormed(value)) throw illFormed();
    return;
  }
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
  if (depth > MAX_DEPTH) throw illFormed();
  if (Array.isArray(value)) {
    for (const item of value) refuseIllFormed(item, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormed(key)) throw illFormed();
    refuseIllFormed(item, depth + 1);
  }
}

function illFormed(): InvalidParameterValue {
  return new InvalidParameterValue(
    'One or more parameters are invalid. Reason: a value is not well-formed Unicode (it holds a lone surrogate).',
  );
}

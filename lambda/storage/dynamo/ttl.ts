import { MAX_RETENTION_SECONDS, secondsToMs } from '../../engine/limits.js';

/**
 * The TTL (epoch seconds) of an item about a message sent at `sentMs`: a day after the longest possible
 * retention. DynamoDB's TTL is free garbage collection, never a rule the service relies on.
 */
export function ttlFor(sentMs: number): number {
  return Math.ceil((sentMs + secondsToMs(MAX_RETENTION_SECONDS)) / 1000) + 86_400;
}

/** The TTL of an item that only matters for `lifetimeMs` from `nowMs` (with a day of slack). */
export function ttlAfter(nowMs: number, lifetimeMs: number): number {
  return Math.ceil((nowMs + lifetimeMs) / 1000) + 86_400;
}

/** How long before its visibility timeout runs out a claim must be answered, for the client to hold it. */
const LATE_RECEIVE_MARGIN_MS = 1_000;

/**
 * Whether a receive that started at `startedMs` ran so long (a stalled DynamoDB, retried) that the visibility
 * timeout of what it claimed has run out, or nearly (within a second, or a quarter of a short timeout): another
 * receiver may already hold those messages, so they must not be handed out. They are received again at once,
 * one receive count higher, as after a lost answer. A timeout of 0 hands out messages that stay visible anyway.
 */
export function outlastedVisibility(startedMs: number, nowMs: number, visibilityTimeoutMs: number): boolean {
  if (visibilityTimeoutMs === 0) return false;
  const marginMs = Math.min(LATE_RECEIVE_MARGIN_MS, visibilityTimeoutMs / 4);
  return nowMs > startedMs + visibilityTimeoutMs - marginMs;
}

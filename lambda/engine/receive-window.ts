/**
 * Whether a claimed message's visibility timeout (`visibleUntilMs`, counted from its claim's write) has run out by
 * the time the receive answers: a stalled DynamoDB request, timed out and retried, can take that long. Another
 * receiver may then hold the message already, so it must not be handed out; it is received again at once, one
 * receive count higher, as after a lost answer. A timeout of 0 hands out messages that stay visible anyway.
 */
export function outlastedVisibility(
  visibleUntilMs: number,
  nowMs: number,
  visibilityTimeoutMs: number,
): boolean {
  return visibilityTimeoutMs > 0 && nowMs >= visibleUntilMs;
}

import type { ClaimedMessage, ReceiveRequest } from '../store.js';

/**
 * Whether a receive should stop looking for more messages: it has as many as asked, or half the visibility
 * timeout of the first message it claimed has passed. A batch receive reads partition after partition; on a slow
 * database its first claims would otherwise be visible again before the answer leaves (and so be withheld, see
 * engine/receive-window.ts). SQS too answers with fewer messages than asked for rather than wait.
 */
export function isFullOrLate(
  received: readonly Pick<ClaimedMessage, 'visibleUntilMs'>[],
  request: ReceiveRequest,
): boolean {
  if (received.length >= request.maxMessages) return true;
  if (received.length === 0 || request.visibilityTimeoutMs === 0) return false;
  const firstVisibleMs = Math.min(...received.map((m) => m.visibleUntilMs));
  return Date.now() >= firstVisibleMs - request.visibilityTimeoutMs / 2;
}

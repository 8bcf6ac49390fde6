import { invalidParameter } from './errors.js';

/** ListTopics, ListSubscriptions and ListSubscriptionsByTopic answer 100 at a time. */
export const PAGE_SIZE = 100;

const TOKEN = /^[A-Za-z0-9_-]{1,2048}$/;

/** A NextToken: the position's parts, opaque to clients. */
export function encodeToken(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The parts a NextToken holds; InvalidParameter for anything this service did not hand out. */
export function decodeToken(token: string, count: number): string[] {
  if (!TOKEN.test(token)) throw invalidParameter('NextToken');
  try {
    const parts: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === count && parts.every((p) => typeof p === 'string')) {
      return parts as string[];
    }
  } catch {
    // Not JSON: not ours.
  }
  throw invalidParameter('NextToken');
}

import { createHash } from 'node:crypto';
import type { MessageLocator, PeekPosition, QueueRecord } from '../storage/store.js';
import { invalidValue } from './console-http.js';

/**
 * Cursors and locators are opaque to the page: base64url JSON naming the queue (its id, so a queue deleted and
 * created again refuses them) and what the page was asked for. Decoding checks every field, so a forged or
 * truncated one is a 400, never a storage call with odd keys.
 */

/** What a peek cursor is tied to: the queue and the question asked. */
export interface PeekScope {
  readonly order: 'oldest' | 'newest';
  readonly groupId?: string;
  readonly contains?: string;
}

const MAX_TOKEN_LENGTH = 2_048;
const SEQUENCE = /^\d{20}$/;
const MESSAGE_ID = /^[0-9a-f-]{36}$/;

export function encodePeekCursor(queue: QueueRecord, scope: PeekScope, position: PeekPosition): string {
  return encode({ q: queue.id, s: scopeHash(scope), p: position });
}

export function decodePeekCursor(text: string, queue: QueueRecord, scope: PeekScope): PeekPosition {
  const value = decode(text, 'cursor');
  if (value.q !== queue.id || value.s !== scopeHash(scope)) {
    throw invalidValue('cursor', 'it was made for another queue, order, group or filter');
  }
  const position = value.p as Record<string, unknown> | undefined;
  if (position?.kind === 'timeline' && isTime(position.visibleAtMs) && isMessageId(position.messageId)) {
    return { kind: 'timeline', visibleAtMs: position.visibleAtMs, messageId: position.messageId };
  }
  if (position?.kind === 'group' && isSequence(position.sequenceNumber) && isGroupId(position.groupId)) {
    return { kind: 'group', sequenceNumber: position.sequenceNumber, groupId: position.groupId };
  }
  throw invalidValue('cursor', 'it is not a cursor this API gave');
}

/** A group-list cursor: the last group id of the page. */
export function encodeGroupCursor(queue: QueueRecord, lastGroupId: string): string {
  return encode({ q: queue.id, g: lastGroupId });
}

export function decodeGroupCursor(text: string, queue: QueueRecord): string {
  const value = decode(text, 'cursor');
  if (value.q !== queue.id || !isGroupId(value.g))
    throw invalidValue('cursor', 'it is not a cursor this API gave');
  return value.g;
}

export function encodeLocator(queue: QueueRecord, locator: MessageLocator): string {
  return encode({ q: queue.id, l: locator });
}

/** The locator, checked against the queue and the message id in the path. */
export function decodeLocator(text: string, queue: QueueRecord, messageId: string): MessageLocator {
  const value = decode(text, 'locator');
  const l = value.l as Record<string, unknown> | undefined;
  if (value.q !== queue.id || l?.messageId !== messageId || !isMessageId(l.messageId) || !isEpoch(l.epoch)) {
    throw invalidValue('locator', 'it does not name this message of this queue');
  }
  if (l.kind === 'timeline' && isShard(l.shard) && isTime(l.visibleAtMs)) {
    return {
      kind: 'timeline',
      messageId: l.messageId,
      epoch: l.epoch,
      shard: l.shard,
      visibleAtMs: l.visibleAtMs,
    };
  }
  if (l.kind === 'group' && isGroupId(l.groupId) && isSequence(l.sequenceNumber)) {
    return {
      kind: 'group',
      messageId: l.messageId,
      epoch: l.epoch,
      groupId: l.groupId,
      sequenceNumber: l.sequenceNumber,
    };
  }
  throw invalidValue('locator', 'it is not a locator this API gave');
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(text: string, name: string): Record<string, unknown> {
  if (text.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw invalidValue(name, 'it is not one this API gave');
  }
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Falls through to the refusal below.
  }
  throw invalidValue(name, 'it is not one this API gave');
}

function scopeHash(scope: PeekScope): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.order, scope.groupId ?? null, scope.contains ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1e13;
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isShard(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1_000;
}

function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && MESSAGE_ID.test(value);
}

function isSequence(value: unknown): value is string {
  return typeof value === 'string' && SEQUENCE.test(value);
}

/** FIFO group ids: 1 to 128 characters of SQS's set (letters, digits, punctuation). */
function isGroupId(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value);
}

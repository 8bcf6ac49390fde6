import type { MessageAttributes, MessageAttributeValue } from '../../engine/types.js';
import type { MessageContent } from '../store.js';

/**
 * Message content is stored as one UTF-8 JSON document split into chunks small enough for a DynamoDB item
 * (400 KB, key and bookkeeping included), so a 1 MiB message with 1 MiB of attributes fits the same way
 * locally and on AWS.
 */
export const CHUNK_BYTES = 350_000;

type StoredAttribute = [dataType: string, stringValue: string | null, binaryBase64: string | null];

interface StoredContent {
  b: string;
  a?: Record<string, StoredAttribute>;
  s?: Record<string, StoredAttribute>;
  i: string;
  g?: string;
  d?: string;
}

export function encodeContent(content: MessageContent): Buffer[] {
  const stored: StoredContent = { b: content.body, i: content.senderId };
  if (Object.keys(content.messageAttributes).length) stored.a = encodeAttributes(content.messageAttributes);
  if (Object.keys(content.messageSystemAttributes).length)
    stored.s = encodeAttributes(content.messageSystemAttributes);
  if (content.groupId !== undefined) stored.g = content.groupId;
  if (content.deduplicationId !== undefined) stored.d = content.deduplicationId;
  const bytes = Buffer.from(JSON.stringify(stored), 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES)
    chunks.push(bytes.subarray(start, start + CHUNK_BYTES));
  return chunks.length ? chunks : [Buffer.alloc(0)];
}

export function decodeContent(chunks: readonly Uint8Array[]): MessageContent {
  const stored = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredContent;
  return {
    body: stored.b,
    senderId: stored.i,
    messageAttributes: decodeAttributes(stored.a),
    messageSystemAttributes: decodeAttributes(stored.s),
    ...(stored.g !== undefined ? { groupId: stored.g } : {}),
    ...(stored.d !== undefined ? { deduplicationId: stored.d } : {}),
  };
}

function encodeAttributes(attributes: MessageAttributes): Record<string, StoredAttribute> {
  const out: Record<string, StoredAttribute> = Object.create(null);
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = [
      value.dataType,
      value.stringValue ?? null,
      value.binaryValue ? Buffer.from(value.binaryValue).toString('base64') : null,
    ];
  }
  return out;
}

function decodeAttributes(stored: Record<string, StoredAttribute> | undefined): MessageAttributes {
  const out: Record<string, MessageAttributeValue> = Object.create(null);
  for (const [name, [dataType, stringValue, binaryBase64]] of Object.entries(stored ?? {})) {
    out[name] = {
      dataType,
      ...(stringValue !== null ? { stringValue } : {}),
      ...(binaryBase64 !== null ? { binaryValue: new Uint8Array(Buffer.from(binaryBase64, 'base64')) } : {}),
    };
  }
  return out;
}

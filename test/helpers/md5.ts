import { createHash } from 'node:crypto';
import type { MessageAttributeInput } from './sqs-api.js';

/** Hex MD5, as SQS reports MD5OfMessageBody (of the UTF-8 body). */
export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * MD5OfMessageAttributes, computed independently of the product as the SQS developer guide describes:
 * attributes sorted by name; for each, 4-byte big-endian length + UTF-8 name, length + UTF-8 data type
 * (custom suffix included), one transport byte (1 = String/Number, 2 = Binary), length + value.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeInput>>): string {
  const parts: Buffer[] = [];
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort(compareCodeUnits)) {
    const attribute = attributes[name];
    if (attribute === undefined) continue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.dataType, 'utf8'));
    if (attribute.binaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(Buffer.from(attribute.binaryValue));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(Buffer.from(attribute.stringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

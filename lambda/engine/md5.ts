import { createHash } from 'node:crypto';
import type { MessageAttributes } from './types.js';

/** Hex MD5 of the UTF-8 body, as SQS returns in MD5OfMessageBody / MD5OfBody. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/**
 * SQS's MD5OfMessageAttributes: attributes sorted by name; each contributes its name, its full data type
 * (custom suffix included) and its value, every part prefixed by a 4-byte big-endian length, the value
 * preceded by one transport byte (1 for String and Number, 2 for Binary). Undefined when there are none,
 * because SQS omits the field then.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (!attributes || names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.dataType, 'utf8')));
    if (attribute.dataType.startsWith('Binary')) {
      hash.update(Uint8Array.of(BINARY_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.binaryValue ?? new Uint8Array())));
    } else {
      hash.update(Uint8Array.of(STRING_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.stringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

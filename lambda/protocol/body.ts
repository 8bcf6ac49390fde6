/**
 * Request bytes to text without hiding what was not text. `Buffer#toString('utf8')` and `URLSearchParams` turn bytes
 * that are not UTF-8 into U+FFFD, so a client's broken body would be stored as if it had sent U+FFFD. Here each such
 * byte becomes a lone surrogate instead (U+DC80 to U+DCFF, Python's "surrogateescape"): the text is no longer
 * well-formed, so every field rule rejects the field it lands in with that field's own error (an invalid body is
 * `InvalidMessageContents`), and a JSON request whose raw text is not UTF-8 is a `SerializationException`.
 */

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The request body as text; bytes that are not UTF-8 become lone surrogates (see above). */
export function decodeRequestBody(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return decodeEscapingInvalid(bytes);
  }
}

/**
 * Form parameters (`a=1&b=x%20y`) as name-value pairs in order, percent-escapes decoded as UTF-8 with the same
 * treatment of invalid bytes; `+` is a space and a `%` not followed by two hex digits stays as it is, as in
 * `URLSearchParams`.
 */
export function parseFormParams(text: string): [string, string][] {
  const params: [string, string][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    params.push([decodeFormComponent(name), decodeFormComponent(value)]);
  }
  return params;
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(PERCENT_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return decodeRequestBody(bytes);
  });
}

/** UTF-8 decoding that keeps going past invalid bytes, each byte b (0x80 or more) becoming U+DC00 + b. */
function decodeEscapingInvalid(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      units.push(0xdc00 | (bytes[i] as number));
      i++;
      continue;
    }
    const codePoint = codePointAt(bytes, i, length);
    if (codePoint > 0xffff) {
      const offset = codePoint - 0x10000;
      units.push(0xd800 | (offset >> 10), 0xdc00 | (offset & 0x3ff));
    } else {
      units.push(codePoint);
    }
    i += length;
  }
  let text = '';
  for (let start = 0; start < units.length; start += 8192) {
    text += String.fromCharCode(...units.slice(start, start + 8192));
  }
  return text;
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 when there is none. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const continuation = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    // ED A0..BF would encode a surrogate, which UTF-8 cannot carry.
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

function codePointAt(bytes: Uint8Array, i: number, length: number): number {
  const b0 = bytes[i] as number;
  if (length === 1) return b0;
  let codePoint = b0 & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) codePoint = (codePoint << 6) | ((bytes[i + k] as number) & 0x3f);
  return codePoint;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
};

/** Markup to escape, or a character XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE, U+FFFF). */
const NEEDS_ESCAPE = /[&<>"\r]|[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Escapes a text node the way SQS does: beyond `&`, `<` and `>`, it writes `"` as `&quot;` and `\r` as `&#xD;`,
 * so a parser does not normalise a body's `\r\n` to `\n` and break the client's MD5 check. A character XML 1.0
 * cannot carry, even as a reference, becomes U+FFFD: only echoed client input (an entry id, a receipt handle in an
 * error message) can hold one, since stored text passed the field rules.
 */
export function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (char) => XML_ESCAPES[char] ?? '\uFFFD');
}

/** `<name>text</name>` with the text escaped. */
export function textElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>text</name>`, or nothing when the value is absent. */
export function optionalTextElement(name: string, text: string | undefined): string {
  return text === undefined ? '' : textElement(name, text);
}

/** `<name>…</name>` around XML built by the caller, or `<name/>` when it is empty. */
export function element(name: string, innerXml: string): string {
  return innerXml === '' ? `<${name}/>` : `<${name}>${innerXml}</${name}>`;
}

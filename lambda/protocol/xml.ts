const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
};

/**
 * Escapes a text node the way SQS does: beyond `&`, `<` and `>`, it writes `"` as `&quot;` and `\r` as `&#xD;`,
 * so a parser does not normalise a body's `\r\n` to `\n` and break the client's MD5 check.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (char) => XML_ESCAPES[char] ?? char);
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

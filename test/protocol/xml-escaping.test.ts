import { describe, expect, it } from 'vitest';
import { element, escapeXml, optionalTextElement, textElement } from '../../lambda/protocol/xml.js';

describe('escapeXml', () => {
  it('escapes the markup characters', () => {
    expect(escapeXml('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
  });

  it('escapes double quotes and carriage returns as SQS does', () => {
    expect(escapeXml('say "hi"\r\n')).toBe('say &quot;hi&quot;&#xD;\n');
  });

  it('leaves apostrophes, tabs, newlines and non-ASCII text alone', () => {
    expect(escapeXml("it's\tfine\n€ 😀")).toBe("it's\tfine\n€ 😀");
  });

  it('does not double-escape an entity the client sent as text', () => {
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });
});

describe('XML elements', () => {
  it('wraps escaped text', () => {
    expect(textElement('Body', '<b>')).toBe('<Body>&lt;b&gt;</Body>');
  });

  it('leaves out an absent optional element', () => {
    expect(optionalTextElement('NextToken', undefined)).toBe('');
    expect(optionalTextElement('NextToken', '')).toBe('<NextToken></NextToken>');
  });

  it('writes an empty element as self-closing', () => {
    expect(element('ReceiveMessageResult', '')).toBe('<ReceiveMessageResult/>');
    expect(element('Value', '<A>1</A>')).toBe('<Value><A>1</A></Value>');
  });
});

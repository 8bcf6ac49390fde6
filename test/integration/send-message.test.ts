import { describe, expect, it } from 'vitest';
import { md5Hex } from '../helpers/md5.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

/** Characters SQS allows at the edges of its allowed ranges, plus CR/LF/TAB and an astral character. */
const ALLOWED_EDGES = '\t\n\r \u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}';

describe.each(PROTOCOLS)('SendMessage over %s', (protocol) => {
  it('returns a MessageId and the MD5 of the UTF-8 body', async () => {
    const queue = await createTestQueue(protocol);
    const body = 'hello, world';

    const sent = await queue.send(body);

    expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.md5OfMessageBody).toBe(md5Hex(body));
    expect(sent.md5OfMessageAttributes).toBeUndefined();
  });

  it('delivers the body unchanged with the same MessageId and MD5', async () => {
    const queue = await createTestQueue(protocol);
    const body = 'caf\u00e9 \u4e2d\u6587 \u{1F600} <xml attr="1"> & \'quotes\'';

    const sent = await queue.send(body);
    const [received] = await queue.receiveAll(1);

    expect(received).toMatchObject({ messageId: sent.messageId, body, md5OfBody: md5Hex(body) });
    expect(sent.md5OfMessageBody).toBe(md5Hex(Buffer.from(body, 'utf8')));
  });

  it('keeps leading and trailing whitespace and carriage returns', async () => {
    const queue = await createTestQueue(protocol);
    const body = '  line one\r\nline two\r\n\t';

    await queue.send(body);
    const [received] = await queue.receiveAll(1);

    expect(received?.body).toBe(body);
    expect(received?.md5OfBody).toBe(md5Hex(body));
  });

  it('accepts the characters at the edges of the allowed ranges', async () => {
    const queue = await createTestQueue(protocol);
    const body = `x${ALLOWED_EDGES}x`;

    const sent = await queue.send(body);
    const [received] = await queue.receiveAll(1);

    expect(sent.md5OfMessageBody).toBe(md5Hex(body));
    expect(received?.body).toBe(body);
  });

  it.each([
    ['U+0000', '\u0000'],
    ['U+0008 (backspace)', '\u0008'],
    ['U+001F', '\u001F'],
    ['U+FFFE', '\uFFFE'],
    ['U+FFFF', '\uFFFF'],
  ])('rejects a body containing %s as InvalidMessageContents', async (_name, character) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send(`before${character}after`));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidMessageContents', 400));
  });

  it('rejects an empty body', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send(''));

    expect(error.status).toBe(400);
    expect(['MissingParameter', 'InvalidParameterValue']).toContain(error.code);
  });

  it('rejects DelaySeconds above 900 as InvalidParameterValue', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send('late', { delaySeconds: 901 }));

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });
});

describe('SendMessage over json only', () => {
  it('rejects a body with a lone surrogate as InvalidMessageContents', async () => {
    // Only JSON can carry a lone surrogate (as \ud800); form encoding replaces it before it leaves.
    const queue = await createTestQueue('json');

    const error = await catchError(queue.send('a\ud800b'));

    expect(error).toMatchObject(expectedError('json', 'InvalidMessageContents', 400));
  });
});

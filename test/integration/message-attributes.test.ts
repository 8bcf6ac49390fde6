import { describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../helpers/md5.js';
import type { MessageAttributeMap } from '../helpers/sqs-api.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

const EVERY_TYPE: MessageAttributeMap = {
  text: { dataType: 'String', stringValue: 'caf\u00e9 \u{1F600}' },
  count: { dataType: 'Number', stringValue: '-12.5e3' },
  blob: { dataType: 'Binary', binaryValue: Uint8Array.from([0, 1, 2, 253, 254, 255]) },
  'custom.json': { dataType: 'String.json', stringValue: '{"a":1}' },
  price: { dataType: 'Number.float', stringValue: '3.14' },
  image: { dataType: 'Binary.png', binaryValue: Uint8Array.from([137, 80, 78, 71]) },
};

/** Attributes of a message recorded against real SQS (LocalStack snapshot, attribute-name filters). */
const RECORDED: MessageAttributeMap = {
  Hello: { dataType: 'String', stringValue: 'There' },
  General: { dataType: 'String', stringValue: 'Kenobi' },
  'Help.Me': { dataType: 'String', stringValue: 'Me' },
};

const FILTERABLE: MessageAttributeMap = { ...RECORDED, 'Help.You': { dataType: 'Number', stringValue: '7' } };

function pick(attributes: MessageAttributeMap, names: readonly string[]): MessageAttributeMap {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => names.includes(name)));
}

describe.each(PROTOCOLS)('Message attributes over %s', (protocol) => {
  it('answers SendMessage with the MD5 of the attributes, computed as SQS documents it', async () => {
    const queue = await createTestQueue(protocol);

    const sent = await queue.send('typed', { messageAttributes: EVERY_TYPE });

    expect(sent.md5OfMessageAttributes).toBe(md5OfMessageAttributes(EVERY_TYPE));
  });

  it('round-trips attribute names that are JavaScript property names, such as constructor', async () => {
    const queue = await createTestQueue(protocol);
    const attributes = JSON.parse(
      '{"toString":{"dataType":"String","stringValue":"t"},"constructor":{"dataType":"String","stringValue":"c"}}',
    ) as MessageAttributeMap;

    const sent = await queue.send('names', { messageAttributes: attributes });
    const [received] = await queue.receive({ messageAttributeNames: ['All'] });

    expect(sent.md5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
    expect(Object.keys(received?.messageAttributes ?? {}).sort()).toEqual(['constructor', 'toString']);
    expect(received?.md5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
  });

  it('matches the MD5 that real SQS returned for a recorded message', async () => {
    const queue = await createTestQueue(protocol);

    const sent = await queue.send('msg', { messageAttributes: RECORDED });

    expect(sent.md5OfMessageBody).toBe('6e2baaf3b97dbeef01c0043275f9a0e7');
    expect(sent.md5OfMessageAttributes).toBe('4c360f3fdafd970e05fae2f149d997f5');
  });

  it('delivers String, Number, Binary and custom-typed attributes unchanged', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('typed', { messageAttributes: EVERY_TYPE });

    const [received] = await queue.receiveAll(1, { messageAttributeNames: ['All'] });

    expect(received?.messageAttributes).toEqual(EVERY_TYPE);
    expect(received?.md5OfMessageAttributes).toBe(md5OfMessageAttributes(EVERY_TYPE));
  });

  it.each([
    ['All', ['All'], Object.keys(FILTERABLE)],
    ['.*', ['.*'], Object.keys(FILTERABLE)],
    ['an exact name', ['Hello'], ['Hello']],
    ['exact names, one missing', ['Hello', 'General', 'Nope'], ['Hello', 'General']],
    ['a prefix.*', ['Help.*'], ['Help.Me', 'Help.You']],
    ['a prefix.* and an exact name', ['Help.*', 'General'], ['Help.Me', 'Help.You', 'General']],
    ['only names that do not exist', ['Nope'], []],
  ])('returns the attributes selected by %s, with the MD5 of those', async (_how, selection, expected) => {
    const queue = await createTestQueue(protocol);
    await queue.send('filter me', { messageAttributes: FILTERABLE });

    const [received] = await queue.receiveAll(1, { messageAttributeNames: selection });

    const selected = pick(FILTERABLE, expected);
    expect(received?.messageAttributes).toEqual(selected);
    if (expected.length === 0) {
      expect(received?.md5OfMessageAttributes).toBeUndefined();
    } else {
      expect(received?.md5OfMessageAttributes).toBe(md5OfMessageAttributes(selected));
    }
  });

  it('returns no attributes when none are asked for', async () => {
    const queue = await createTestQueue(protocol);
    await queue.send('quiet', { messageAttributes: FILTERABLE });

    const [received] = await queue.receiveAll(1);

    expect(received?.messageAttributes).toEqual({});
    expect(received?.md5OfMessageAttributes).toBeUndefined();
  });

  it('rejects an empty String value with the message SQS uses', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(
      queue.send('x', { messageAttributes: { ErrorDetails: { dataType: 'String', stringValue: '' } } }),
    );

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
      ),
    );
  });

  it.each([
    ['an empty Binary value', { dataType: 'Binary', binaryValue: new Uint8Array() }],
    ['no value at all', { dataType: 'String' }],
    ['an empty data type', { dataType: '', stringValue: 'v' }],
    ['an unknown data type', { dataType: 'Text', stringValue: 'v' }],
    ['a non-numeric Number', { dataType: 'Number', stringValue: 'abc' }],
    ['a disallowed character in the value', { dataType: 'String', stringValue: 'a\u0000b' }],
  ])('rejects an attribute with %s', async (_what, value) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send('x', { messageAttributes: { attr: value } }));

    expect(error.status).toBe(400);
    expect(['InvalidParameterValue', 'InvalidMessageContents']).toContain(error.code);
  });

  it.each([
    ['an AWS. prefix', 'AWS.thing'],
    ['an Amazon. prefix in any case', 'aMaZoN.thing'],
    ['a leading dot', '.lead'],
    ['a trailing dot', 'trail.'],
    ['consecutive dots', 'two..dots'],
    ['a space', 'has space'],
    ['an exclamation mark', 'bang!'],
    ['257 characters', 'n'.repeat(257)],
  ])('rejects an attribute name with %s as InvalidParameterValue', async (_what, name) => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(
      queue.send('x', { messageAttributes: { [name]: { dataType: 'String', stringValue: 'v' } } }),
    );

    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('accepts ten attributes and rejects eleven', async () => {
    const queue = await createTestQueue(protocol);
    const attributes = (count: number): MessageAttributeMap =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`a${i}`, { dataType: 'String', stringValue: String(i) }]),
      );

    const ten = await queue.send('ten', { messageAttributes: attributes(10) });
    const eleven = await catchError(queue.send('eleven', { messageAttributes: attributes(11) }));

    expect(ten.md5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes(10)));
    expect(eleven).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });
});

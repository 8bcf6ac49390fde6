import { describe, expect, it } from 'vitest';
import { md5Hex } from '../helpers/md5.js';
import { catchError, createTestQueue, expectedError, PROTOCOLS } from '../helpers/test-queue.js';

const ONE_MIB = 1_048_576;

describe.each(PROTOCOLS)('Message size over %s', (protocol) => {
  it('accepts a body of exactly 1 MiB (the default MaximumMessageSize) and delivers it intact', async () => {
    const queue = await createTestQueue(protocol);
    const body = 'a'.repeat(ONE_MIB - 10) + '\u00e9'.repeat(5);

    const sent = await queue.send(body);
    const [received] = await queue.receiveAll(1);

    expect(Buffer.byteLength(body)).toBe(ONE_MIB);
    expect(sent.md5OfMessageBody).toBe(md5Hex(body));
    expect(received?.md5OfBody).toBe(md5Hex(body));
    expect(received?.body.length).toBe(body.length);
    expect(received?.body === body).toBe(true);
  });

  it('rejects one byte more with the message SQS uses', async () => {
    const queue = await createTestQueue(protocol);

    const error = await catchError(queue.send('a'.repeat(ONE_MIB + 1)));

    expect(error).toMatchObject(
      expectedError(
        protocol,
        'InvalidParameterValue',
        400,
        'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
      ),
    );
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const queue = await createTestQueue(protocol);
    // 349,526 three-byte characters: well under a million characters, two bytes over 1 MiB.
    const body = '\u20ac'.repeat(349_526);

    const error = await catchError(queue.send(body));

    expect(Buffer.byteLength(body)).toBe(ONE_MIB + 2);
    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it("enforces the queue's own MaximumMessageSize", async () => {
    const queue = await createTestQueue(protocol, { MaximumMessageSize: '1024' });

    const fits = await queue.send('b'.repeat(1024));
    const error = await catchError(queue.send('b'.repeat(1025)));

    expect(fits.md5OfMessageBody).toBe(md5Hex('b'.repeat(1024)));
    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });

  it('counts attribute names, types and values toward the size', async () => {
    const queue = await createTestQueue(protocol, { MaximumMessageSize: '1024' });
    const body = 'c'.repeat(1000);
    // 1000 body + 1 name ('a') + 6 type ('String') + 17 value = 1024 bytes.
    const attribute = (valueBytes: number) => ({
      messageAttributes: { a: { dataType: 'String', stringValue: 'v'.repeat(valueBytes) } },
    });

    const fits = await queue.send(body, attribute(17));
    const error = await catchError(queue.send(body, attribute(18)));

    expect(fits.md5OfMessageBody).toBe(md5Hex(body));
    expect(error).toMatchObject(expectedError(protocol, 'InvalidParameterValue', 400));
  });
});

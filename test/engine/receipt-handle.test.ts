import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type GroupReceipt, type Receipt, ReceiptHandleCodec } from '../../lambda/engine/receipt-handle.js';

const receipt: Receipt = {
  queueId: '5b882696-ab3c-4d5c-800e-37fd01c008d9',
  epoch: 2,
  shard: 3,
  visibleAtMs: 1_795_829_461_268,
  messageId: 'fe4717c9-b0cd-43f2-a009-ff4d0db9c35a',
  receivedAtMs: 1_795_829_459_268,
  receiveId: 'axcNpxws4QNr',
};

describe('receipt handles', () => {
  it('round-trips the receipt they name', () => {
    const codec = new ReceiptHandleCodec(randomBytes(32));

    expect(codec.decode(codec.encode(receipt))).toEqual(receipt);
  });

  it('round-trips a FIFO receipt, whose group id may contain any punctuation', () => {
    const codec = new ReceiptHandleCodec(randomBytes(32));
    const groupReceipt: GroupReceipt = {
      queueId: receipt.queueId,
      epoch: 0,
      groupId: 'tenant|a.b|#1!"~',
      sequenceNumber: '01795829459268000003',
      messageId: receipt.messageId,
      receivedAtMs: receipt.receivedAtMs,
      receiveId: receipt.receiveId,
      lock: { version: 7, size: 2, last: '01795829459268000004', groupLast: '01795829459268000009' },
    };

    expect(codec.decode(codec.encode(groupReceipt))).toEqual(groupReceipt);
  });

  it('refuses a handle whose contents were edited', () => {
    const codec = new ReceiptHandleCodec(randomBytes(32));
    const [payload, mac] = codec.encode(receipt).split('.');
    const edited = Buffer.from(
      Buffer.from(payload as string, 'base64url')
        .toString()
        .replace('|2|', '|3|'),
    ).toString('base64url');

    expect(codec.decode(`${edited}.${mac}`)).toBeUndefined();
  });

  it('refuses handles issued with another secret, and garbage', () => {
    const ours = new ReceiptHandleCodec(randomBytes(32));
    const theirs = new ReceiptHandleCodec(randomBytes(32));

    expect(ours.decode(theirs.encode(receipt))).toBeUndefined();
    for (const garbage of ['', 'abc', 'a.b', 'a.b.c', '.'.repeat(5), 'x'.repeat(5000)]) {
      expect(ours.decode(garbage)).toBeUndefined();
    }
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where one receive of one message left its state: enough to find it again, nothing a client may edit. */
export interface Receipt {
  readonly queueId: string;
  /** The queue's purge generation when the message was received. */
  readonly epoch: number;
  readonly shard: number;
  /** When the message becomes visible again, as the storage key records it. */
  readonly visibleAtMs: number;
  readonly messageId: string;
  /** When this receive happened: ChangeMessageVisibility may not extend past 12 hours from it. */
  readonly receivedAtMs: number;
  /** Names this receive, so a handle from an earlier receive never acts on a later one. */
  readonly receiveId: string;
}

/** A receive of FIFO messages: the group's lock, taken by one receive, and one message under it. */
export interface GroupReceipt {
  readonly queueId: string;
  readonly epoch: number;
  readonly groupId: string;
  readonly sequenceNumber: string;
  readonly messageId: string;
  readonly receivedAtMs: number;
  /** Names the lock this receive took, so a handle from an earlier lock never acts on a later one. */
  readonly receiveId: string;
  /**
   * The lock as this receive left it: its version, how many messages it holds and the last of them, and
   * the group's last sequence number then. A delete of all of them needs no read while nothing changed.
   */
  readonly lock: {
    readonly version: number;
    readonly size: number;
    readonly last: string;
    readonly groupLast: string;
  };
}

export type AnyReceipt = Receipt | GroupReceipt;

export function isGroupReceipt(receipt: AnyReceipt): receipt is GroupReceipt {
  return 'groupId' in receipt;
}

const VERSION = '1';
const GROUP_VERSION = '2';
const MAC_BYTES = 18;

/**
 * Receipt handles are `base64url(fields).base64url(hmac)`: opaque to clients and unforgeable, because the
 * HMAC key never leaves the service. A handle that fails the check is `ReceiptHandleIsInvalid`.
 */
export class ReceiptHandleCodec {
  constructor(private readonly secret: Uint8Array) {}

  encode(receipt: AnyReceipt): string {
    const fields = isGroupReceipt(receipt) ? groupFields(receipt) : timelineFields(receipt);
    const payload = Buffer.from(fields, 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The receipt a handle names, or undefined when the handle was not issued by this service. */
  decode(handle: string): AnyReceipt | undefined {
    if (typeof handle !== 'string' || handle.length > 1024) return undefined;
    const [payload, mac, extra] = handle.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const fields = Buffer.from(payload, 'base64url').toString('utf8').split('|');
    return fields[0] === GROUP_VERSION ? parseGroupFields(fields) : parseTimelineFields(fields);
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

function timelineFields(receipt: Receipt): string {
  return [
    VERSION,
    receipt.queueId,
    receipt.epoch,
    receipt.shard,
    receipt.visibleAtMs,
    receipt.messageId,
    receipt.receivedAtMs,
    receipt.receiveId,
  ].join('|');
}

/** The group id comes last: it may itself contain `|`. */
function groupFields(receipt: GroupReceipt): string {
  return [
    GROUP_VERSION,
    receipt.queueId,
    receipt.epoch,
    receipt.sequenceNumber,
    receipt.messageId,
    receipt.receivedAtMs,
    receipt.receiveId,
    receipt.lock.version,
    receipt.lock.size,
    receipt.lock.last,
    receipt.lock.groupLast,
    receipt.groupId,
  ].join('|');
}

function parseTimelineFields(fields: string[]): Receipt | undefined {
  const [version, queueId, epoch, shard, visibleAtMs, messageId, receivedAtMs, receiveId] = fields;
  if (version !== VERSION || fields.length !== 8 || !queueId || !messageId || !receiveId) return undefined;
  if (![epoch, shard, visibleAtMs, receivedAtMs].every((n) => /^\d{1,16}$/.test(n ?? ''))) return undefined;
  return {
    queueId,
    epoch: Number(epoch),
    shard: Number(shard),
    visibleAtMs: Number(visibleAtMs),
    messageId,
    receivedAtMs: Number(receivedAtMs),
    receiveId,
  };
}

function parseGroupFields(fields: string[]): GroupReceipt | undefined {
  const [
    ,
    queueId,
    epoch,
    sequenceNumber,
    messageId,
    receivedAtMs,
    receiveId,
    version,
    size,
    last,
    groupLast,
  ] = fields;
  const groupId = fields.slice(11).join('|');
  if (!queueId || !messageId || !receiveId || !groupId) return undefined;
  if (![epoch, receivedAtMs, version, size].every((n) => /^\d{1,16}$/.test(n ?? ''))) return undefined;
  if (![sequenceNumber, last, groupLast].every((n) => /^\d{20}$/.test(n ?? ''))) return undefined;
  return {
    queueId,
    epoch: Number(epoch),
    groupId,
    sequenceNumber: sequenceNumber as string,
    messageId,
    receivedAtMs: Number(receivedAtMs),
    receiveId,
    lock: {
      version: Number(version),
      size: Number(size),
      last: last as string,
      groupLast: groupLast as string,
    },
  };
}

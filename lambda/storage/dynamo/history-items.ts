import type { Db } from './db.js';

/**
 * The console's per-queue history on AWS (docs/design.md, Console): one item per queue and minute,
 * `pk = H#{accountId}#{queueName}`, `sk` = the minute's start (13 digits). Request functions add the minute's
 * sends, receives and deletes (`s`, `r`, `d`); the background job sets the depth it measured (`v`, `f`, `y`).
 * TTL removes an item two hours after its minute.
 */
const TTL_AFTER_MS = 2 * 3_600_000;
const TIME_DIGITS = 13;

/** One stored minute. */
export interface HistoryMinute {
  readonly minuteMs: number;
  readonly sent: number;
  readonly received: number;
  readonly deleted: number;
  /** @default - depth not measured in that minute */
  readonly depth?: { readonly visible: number; readonly inFlight: number; readonly delayed: number };
}

export class HistoryItems {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
  ) {}

  /** Adds counts to a minute (`ADD`: concurrent instances add up; a retried add may count twice). */
  async addActivity(
    queueName: string,
    minuteMs: number,
    counts: { sent: number; received: number; deleted: number },
  ): Promise<void> {
    await this.db.update({
      Key: this.key(queueName, minuteMs),
      UpdateExpression: 'ADD s :s, r :r, d :d SET #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':s': counts.sent,
        ':r': counts.received,
        ':d': counts.deleted,
        ':ttl': ttlOf(minuteMs),
      },
    });
  }

  /** Sets the depth measured in a minute. */
  async recordDepth(
    queueName: string,
    minuteMs: number,
    depth: { visible: number; inFlight: number; delayed: number },
  ): Promise<void> {
    await this.db.update({
      Key: this.key(queueName, minuteMs),
      UpdateExpression: 'SET v = :v, f = :f, y = :y, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':v': depth.visible,
        ':f': depth.inFlight,
        ':y': depth.delayed,
        ':ttl': ttlOf(minuteMs),
      },
    });
  }

  /** The minutes from `fromMs` on, oldest first: one Query of at most ~61 small items. */
  async read(queueName: string, fromMs: number): Promise<HistoryMinute[]> {
    const out = await this.db.query({
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':pk': this.key(queueName, 0).pk, ':from': sortKey(fromMs) },
    });
    return (out.Items ?? []).map((item) => ({
      minuteMs: Number(item.sk),
      sent: Number(item.s ?? 0),
      received: Number(item.r ?? 0),
      deleted: Number(item.d ?? 0),
      ...(item.v !== undefined
        ? { depth: { visible: Number(item.v), inFlight: Number(item.f ?? 0), delayed: Number(item.y ?? 0) } }
        : {}),
    }));
  }

  private key(queueName: string, minuteMs: number) {
    return { pk: `H#${this.accountId}#${queueName}`, sk: sortKey(minuteMs) };
  }
}

function sortKey(ms: number): string {
  return String(Math.max(0, ms)).padStart(TIME_DIGITS, '0');
}

function ttlOf(minuteMs: number): number {
  return Math.ceil((minuteMs + TTL_AFTER_MS) / 1_000);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from '../lambda/protocol/http.js';
import { CapacityMeter, type CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import type { Action } from './workload.js';

/** DynamoDB capacity booked per SQS action; `other` is everything else (CreateQueue, ...). */
export type ActionSnapshots = Record<Action | 'other', CapacitySnapshot>;

const ACTION_OF_TARGET: Record<string, Action> = {
  sendmessage: 'send',
  sendmessagebatch: 'send',
  receivemessage: 'receive',
  deletemessage: 'delete',
  deletemessagebatch: 'delete',
};

/** The ways the floor's DynamoDB calls book capacity, as CapacityMeter names them (it makes no transactions). */
export type Booking = Pick<CapacityMeter, 'addRead' | 'addWrite' | 'addFailedConditionalWrite'>;

/**
 * Splits the service's meter by the SQS action whose request made each DynamoDB call, so that a window's
 * units can be divided by the messages each action handled (sent, received, deleted) rather than only by
 * lifecycles. The request handler runs each request in an async context naming its action; the meter's
 * booking methods are wrapped to read it. Only the bench does this: the product's meter stays as it is.
 * AsyncLocalStorage costs every promise a hook on Node 20 (a few % of the service's CPU), so `--by-action`
 * turns it on and the default run leaves it off.
 */
export class ActionMeter {
  private readonly current = new AsyncLocalStorage<Action | 'other'>();
  private readonly totals: Record<Action | 'other', { -readonly [K in keyof CapacitySnapshot]: number }> = {
    send: zero(),
    receive: zero(),
    delete: zero(),
    other: zero(),
  };

  constructor(meter: CapacityMeter) {
    const addRead = meter.addRead.bind(meter);
    const addWrite = meter.addWrite.bind(meter);
    const addFailed = meter.addFailedConditionalWrite.bind(meter);
    const addCancelled = meter.addCancelledTransaction.bind(meter);
    meter.addRead = (units) => {
      addRead(units);
      const t = this.bucket();
      t.readUnits += units;
      t.calls++;
    };
    meter.addWrite = (units) => {
      addWrite(units);
      const t = this.bucket();
      t.writeUnits += units;
      t.calls++;
    };
    meter.addFailedConditionalWrite = () => {
      addFailed();
      const t = this.bucket();
      t.failedConditionalWrites++;
      t.writeUnits++;
      t.calls++;
    };
    // Every booking method is wrapped, each passing its units on: one left unwrapped books nothing under its
    // action, and one that drops its units books them wrong in the total too.
    meter.addCancelledTransaction = (units) => {
      addCancelled(units);
      const t = this.bucket();
      t.failedConditionalWrites++;
      t.writeUnits += units;
      t.calls++;
    };
  }

  /** The handler, with each request's DynamoDB calls booked under its action (JSON protocol's X-Amz-Target). */
  wrap(handler: RequestHandler): RequestHandler {
    return (request, options) => {
      const target = request.headers['x-amz-target'] ?? '';
      const action = ACTION_OF_TARGET[target.slice(target.indexOf('.') + 1).toLowerCase()] ?? 'other';
      return this.current.run(action, () => handler(request, options));
    };
  }

  snapshot(): ActionSnapshots {
    return {
      send: { ...this.totals.send },
      receive: { ...this.totals.receive },
      delete: { ...this.totals.delete },
      other: { ...this.totals.other },
    };
  }

  private bucket() {
    return this.totals[this.current.getStore() ?? 'other'];
  }
}

function zero() {
  return { readUnits: 0, writeUnits: 0, failedConditionalWrites: 0, calls: 0 };
}

/** A meter for code that knows its action at each call (the floor): a total and one meter per action. */
export class SplitMeter {
  readonly total = new CapacityMeter();
  private readonly parts: Record<Action | 'other', CapacityMeter> = {
    send: new CapacityMeter(),
    receive: new CapacityMeter(),
    delete: new CapacityMeter(),
    other: new CapacityMeter(),
  };

  /** Books on the total and on `action`'s part. */
  for(action: Action): Booking {
    const part = this.parts[action];
    return {
      addRead: (units) => {
        this.total.addRead(units);
        part.addRead(units);
      },
      addWrite: (units) => {
        this.total.addWrite(units);
        part.addWrite(units);
      },
      addFailedConditionalWrite: () => {
        this.total.addFailedConditionalWrite();
        part.addFailedConditionalWrite();
      },
    };
  }

  snapshot(): ActionSnapshots {
    return {
      send: this.parts.send.snapshot(),
      receive: this.parts.receive.snapshot(),
      delete: this.parts.delete.snapshot(),
      other: this.parts.other.snapshot(),
    };
  }
}

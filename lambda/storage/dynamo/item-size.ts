import type { TransactItem } from './db.js';

/**
 * DynamoDB's item size, as its pricing counts it (Developer Guide, "Item sizes and formats"): for each
 * attribute the UTF-8 length of its name plus its value's size. Strings count their UTF-8 bytes; numbers about
 * one byte per two significant digits (leading and trailing zeros trimmed) plus one; binaries their raw bytes;
 * booleans and nulls one byte; lists and maps 3 bytes plus their elements, each element one byte more (a map's
 * element names count as attribute names). Used to price transactions, whose capacity DynamoDB Local does not
 * report as AWS bills it.
 */
export function itemSizeBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') {
    return Math.ceil(significantDigits(value) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    const defined = Object.values(value).filter((v) => v !== undefined).length;
    return 3 + itemSizeBytes(value as Record<string, unknown>) + defined;
  }
  return 0;
}

/** Digits of a number without sign, decimal point, exponent, and leading or trailing zeros: 1000 has 1, 0.05 has 1. */
function significantDigits(value: number | bigint): number {
  const mantissa = (typeof value === 'number' ? value.toExponential() : value.toString()).split('e')[0] ?? '';
  return mantissa.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;
}

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

/** Write units of one standard write of an item this size: one per KB, rounded up, at least one. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/**
 * Read units of one read of this many bytes (an item, or a Query's items added up): one per 4 KB, rounded up,
 * at least one; half that when eventually consistent.
 */
export function readUnits(bytes: number, consistency: 'strong' | 'eventual'): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistency === 'strong' ? units : units / 2;
}

/**
 * Write units of one item's write in a transaction, once: a put is priced on the item it writes; an update,
 * delete or condition check on the item it touches, which this cannot see, so on its key and the values it
 * writes, at least one KB, which is exact for the small bookkeeping items the service changes inside transactions.
 */
function preparedUnits(item: TransactItem): number {
  if (item.Put?.Item) return writeUnits(itemSizeBytes(item.Put.Item));
  const operation = item.Update ?? item.Delete ?? item.ConditionCheck;
  const key = operation?.Key ?? {};
  const values = (item.Update?.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  return writeUnits(itemSizeBytes(key) + itemSizeBytes(values));
}

/**
 * What AWS bills for one TransactWriteItems that commits: DynamoDB writes every item twice, once to prepare the
 * transaction and once to commit it (Developer Guide, "Capacity management for transactions"), so two write
 * units per KB of every item. A cancelled transaction never reaches the commit: AWS bills its prepare phase, one
 * write of every item at its size and at least one unit, as it bills a refused conditional write (Developer Guide,
 * "Capacity units consumed by conditional writes"), which is half this price.
 */
export function transactionWriteUnits(items: readonly TransactItem[]): number {
  return 2 * items.reduce((sum, item) => sum + preparedUnits(item), 0);
}

import type { TransactItem } from './db.js';

/**
 * DynamoDB's item size, as its pricing counts it: for each attribute the UTF-8 length of its name plus its
 * value's size (strings in UTF-8 bytes, numbers about one byte per two digits plus one, binaries in bytes,
 * maps and lists 3 bytes plus their elements, each element one byte more). Used to price transactions,
 * whose consumed capacity DynamoDB Local under-reports.
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
    const digits = String(value).replace(/[-.]/g, '').replace(/^0+/, '').length;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object')
    return 3 + itemSizeBytes(value as Record<string, unknown>) + Object.keys(value).length;
  return 0;
}

const KB = 1024;

/**
 * What AWS bills for one TransactWriteItems: two write units per KB (rounded up) of every item. A put is
 * priced on the item it writes; an update, delete or condition check on the item it touches, which this
 * cannot see: it is priced on its key and the values it writes, at least one KB, which is exact for the
 * small bookkeeping items the service updates inside transactions.
 */
export function transactionWriteUnits(items: readonly TransactItem[]): number {
  let units = 0;
  for (const item of items) {
    if (item.Put?.Item) {
      units += 2 * Math.max(1, Math.ceil(itemSizeBytes(item.Put.Item) / KB));
    } else {
      const operation = item.Update ?? item.Delete ?? item.ConditionCheck;
      const key = operation?.Key ?? {};
      const values = (item.Update?.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      units += 2 * Math.max(1, Math.ceil((itemSizeBytes(key) + itemSizeBytes(values)) / KB));
    }
  }
  return units;
}

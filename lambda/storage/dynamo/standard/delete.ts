import type { Receipt } from '../../../engine/receipt-handle.js';
import type { Db } from '../db.js';
import { stateKey } from './items.js';

/** DeleteMessage on a Standard queue: one batch of deletes of the state items the receipts name. */
export async function deleteMessages(db: Db, receipts: readonly Receipt[]): Promise<void> {
  const keys = new Map<string, { pk: string; sk: string }>();
  for (const receipt of receipts) {
    const key = stateKey(receipt);
    keys.set(`${key.pk} ${key.sk}`, key);
  }
  // Unconditional: a receipt names the exact key its receive created, and a later receive moves the
  // message to a new key, so a superseded receipt deletes nothing (SQS: "succeeds, may not delete").
  await db.batchWrite([...keys.values()].map((Key) => ({ DeleteRequest: { Key } })));
}

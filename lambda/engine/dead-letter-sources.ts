import type { Store } from '../storage/store.js';
import { deadLetterTargetOf } from './redrive-policy.js';

/** Queue records read per storage page while looking for source queues. */
const RECORDS_PER_PAGE = 1_000;

/** One page of ListDeadLetterSourceQueues. */
export interface DeadLetterSourcesPage {
  /** Source queue names, in name order. */
  readonly names: readonly string[];
  /** Whether another source queue follows the last name: only then does a NextToken make sense. */
  readonly more: boolean;
}

/**
 * The queues whose RedrivePolicy targets `deadLetterQueueName`, in name order, after `afterName` when given, at
 * most `limit` of them. No index lists them: the account's queue records are read a page at a time (queue
 * records are few and small), and the scan goes on past a full page only until it finds one more source.
 */
export async function findDeadLetterSources(
  store: Store,
  deadLetterQueueName: string,
  options: { limit: number; afterName?: string },
): Promise<DeadLetterSourcesPage> {
  const names: string[] = [];
  let afterName = options.afterName;
  for (;;) {
    const page = await store.listQueueRecords({ limit: RECORDS_PER_PAGE, afterName });
    for (const record of page.records) {
      if (deadLetterTargetOf(record.attributes)?.queueName !== deadLetterQueueName) continue;
      if (names.length === options.limit) return { names, more: true };
      names.push(record.name);
    }
    if (page.lastName === undefined) return { names, more: false };
    afterName = page.lastName;
  }
}

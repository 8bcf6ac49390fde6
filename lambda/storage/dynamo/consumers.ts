import type { ConsumerSettings } from '../../consumers/settings.js';
import type { ConsumerRegistration } from '../../dispatch/consumer-registration.js';
import type { Db } from './db.js';

/**
 * Consumer registrations (docs/design.md, "Consumers on AWS"): one small partition per account, one item per
 * `QueueEventSource`, written and deleted by its custom resource and read whole by the request, background and
 * dispatcher functions (each caches it briefly). Settings are kept as JSON text: filter patterns carry the
 * user's own keys, which the document marshaller must not see as class instances.
 */
export function consumerPartition(accountId: string): string {
  return `C#${accountId}`;
}

export function consumerKey(accountId: string, consumerId: string) {
  return { pk: consumerPartition(accountId), sk: consumerId };
}

export class ConsumerItems {
  constructor(
    private readonly db: Db,
    private readonly accountId: string,
  ) {}

  /**
   * Creates or replaces the registration. Unconditional: the custom resource is its only writer, and a retry of
   * a lost answer writes the same item again.
   */
  async put(registration: ConsumerRegistration): Promise<void> {
    await this.db.put({
      Item: {
        ...consumerKey(this.accountId, registration.consumerId),
        q: registration.settings.queueName,
        fn: registration.functionArn,
        s: JSON.stringify(registration.settings),
        createdMs: registration.createdMs,
        modifiedMs: registration.modifiedMs,
      },
    });
  }

  async get(consumerId: string): Promise<ConsumerRegistration | undefined> {
    const item = await this.db.get({ Key: consumerKey(this.accountId, consumerId), ConsistentRead: true });
    return item ? fromItem(item) : undefined;
  }

  /** Removes the registration; a registration already gone is no error (CloudFormation repeats deletes). */
  async delete(consumerId: string): Promise<void> {
    await this.db.delete({ Key: consumerKey(this.accountId, consumerId) });
  }

  /** Every registration of the account, strongly read, page by page. */
  async list(): Promise<ConsumerRegistration[]> {
    const registrations: ConsumerRegistration[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': consumerPartition(this.accountId) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.Items ?? []) registrations.push(fromItem(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return registrations;
  }
}

function fromItem(item: Record<string, unknown>): ConsumerRegistration {
  return {
    consumerId: String(item.sk),
    functionArn: String(item.fn),
    settings: JSON.parse(String(item.s)) as ConsumerSettings,
    createdMs: Number(item.createdMs),
    modifiedMs: Number(item.modifiedMs),
  };
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Authenticator } from './auth/authenticator.js';
import { systemClock } from './engine/clock.js';
import type { SqsEngine } from './engine/types.js';
import type { RequestHandler } from './protocol/http.js';
import { createTopicsHandler } from './protocol/sns/handle-request.js';
import type { CapacityMeter } from './storage/dynamo/capacity-meter.js';
import { Db } from './storage/dynamo/db.js';
import { DynamoTopicStore } from './storage/dynamo/topics/topic-store.js';
import { FanOut, type TopicActivity } from './topics/fan-out.js';
import { Publisher } from './topics/publisher.js';
import { TopicRecovery } from './topics/recovery.js';
import { SigningKeys } from './topics/signing-keys.js';
import { TopicEngine } from './topics/topic-engine.js';
import type { TopicStore } from './topics/types.js';

/** The SNS half of a service: its engine, its publisher, the recovery of cut-off publishes and the request handler. */
export interface Topics {
  readonly engine: TopicEngine;
  readonly publisher: Publisher;
  readonly store: TopicStore;
  /** Finishes publishes whose delivery was cut off; a server runs it in the background, Lambda on a schedule. */
  readonly recovery: TopicRecovery;
  readonly handler: RequestHandler;
}

export interface CreateTopicsOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly accountId: string;
  readonly region: string;
  readonly meter: CapacityMeter;
  /** The queues' engine: the fan-out sends through it, in-process. */
  readonly sqs: SqsEngine;
  /** @default - no authentication */
  readonly auth?: Authenticator;
  /** @default - nothing is told */
  readonly activity?: TopicActivity;
}

/** Wires the topic store, engine, fan-out and SNS handler on the service's table. */
export function createTopics(options: CreateTopicsOptions): Topics {
  const store = new DynamoTopicStore(
    new Db(options.client, options.tableName, options.meter),
    options.accountId,
  );
  const scope = { accountId: options.accountId, region: options.region };
  const engine = new TopicEngine({ store, clock: systemClock, scope });
  const signing = new SigningKeys(store);
  const fanOut = new FanOut({
    sqs: options.sqs,
    store,
    scope,
    ...(options.activity ? { activity: options.activity } : {}),
    onDeliveryFailure: (failure) => console.warn('topic delivery failed:', JSON.stringify(failure)),
  });
  const publisher = new Publisher({
    store,
    topics: engine,
    fanOut,
    signing,
    clock: systemClock,
    scope,
    ...(options.activity ? { activity: options.activity } : {}),
    onDeferred: (error) => console.error('topic delivery deferred to recovery:', error),
  });
  const recovery = new TopicRecovery({
    store,
    topics: engine,
    publisher,
    clock: systemClock,
    onError: (error) => console.error('topic recovery:', error),
    onFinished: (count) =>
      console.log(`topic recovery: delivered ${count} publishes whose fan-out was cut off`),
  });
  const handler = createTopicsHandler({
    topics: engine,
    publisher,
    signing,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  return { engine, publisher, store, recovery, handler };
}

/** Messages between the bench (bench/server-handle.ts) and the service's process (bench/server-process.ts). */
import type { CapacitySnapshot } from '../lambda/storage/dynamo/capacity-meter.js';
import type { ActionSnapshots } from './action-meter.js';

/** What the server process needs, passed as JSON in argv[2]. */
export interface ServerProcessConfig {
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** Split the meter by SQS action (AsyncLocalStorage in the server process). */
  readonly byAction: boolean;
  /**
   * Run the service's message move task runner in the background, as `npm start` does. Off for the server
   * that every other measurement uses: its idle poll (a Query every 5 s) would land in their meter reads.
   */
  readonly runMoveTasks: boolean;
  /** SigV4 authentication on, with the bench clients' DUMMY_CREDENTIALS as a full-access key in the table. */
  readonly auth: boolean;
}

export type ToServer = { readonly type: 'snapshot'; readonly id: number } | { readonly type: 'stop' };

/** The service's meter as read in the server process. */
export interface ServerSnapshot {
  /** The server process's `performance.now()` when it read the meter. */
  readonly atMs: number;
  readonly capacity: CapacitySnapshot;
  readonly byAction: ActionSnapshots | undefined;
}

export type FromServer =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'failed'; readonly message: string }
  | ({ readonly type: 'snapshot'; readonly id: number } & ServerSnapshot);

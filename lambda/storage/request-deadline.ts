import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` with `signal` as the deadline of every storage call it makes, however deep: the storage adapter
 * passes it to each DynamoDB request and stops retrying once it fires. The engine does not need to carry it.
 */
export function withStorageDeadline<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  return signal ? scope.run(signal, work) : work();
}

/** The signal of the request being served, if it has one. */
export function storageDeadline(): AbortSignal | undefined {
  return scope.getStore();
}

/**
 * Runs `work` outside any request's deadline: for writes that outlive the request that caused them (the console
 * history's counters), which its client going away must not cut off.
 */
export function withoutStorageDeadline<T>(work: () => Promise<T>): Promise<T> {
  return scope.exit(work);
}

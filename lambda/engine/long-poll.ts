/**
 * Wakes long polls in this process as soon as a message for their queue arrives. Messages sent through
 * other processes (other Lambda instances) are found by the poll's periodic re-read instead.
 */
export class ArrivalSignal {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves after `ms`, on an arrival for the queue, or when the signal aborts, whichever is first. */
  wait(queueId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const waiters = this.waiting.get(queueId) ?? new Set<() => void>();
      this.waiting.set(queueId, waiters);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(queueId) === waiters) this.waiting.delete(queueId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  notify(queueId: string): void {
    for (const wake of [...(this.waiting.get(queueId) ?? [])]) wake();
  }
}

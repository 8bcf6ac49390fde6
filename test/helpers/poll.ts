/**
 * Calls `fn` until it returns something other than `undefined` or `false`, and returns that. Fails with
 * a clear message once `deadlineMs` has passed. Use it instead of sleeping before an assertion.
 */
export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false>,
  deadlineMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await sleep(intervalMs);
  }
}

/**
 * Polls `read` until `expected(value)` holds and returns the value; on timeout the error shows the last
 * value read, which says more than "timed out".
 */
export async function pollFor<T>(
  read: () => Promise<T>,
  expected: (value: T) => boolean,
  deadlineMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (expected(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${deadlineMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms`; for pacing a loop, never as a wait before an assertion. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

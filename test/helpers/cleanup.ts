import { afterAll } from 'vitest';

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs `fn` after the current test file, after the file's own `afterAll` hooks. */
export function registerCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** Registered as a setup file in vitest.config.ts, so it runs once per test file. */
export function runCleanupsAfterAll(): void {
  afterAll(async () => {
    const pending = cleanups.splice(0).reverse();
    for (const fn of pending) await fn();
  });
}

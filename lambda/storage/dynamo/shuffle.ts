import { randomInt } from 'node:crypto';

/** A random permutation of `items`: concurrent receivers start from different shards and candidates. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** 0, 1, …, n - 1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

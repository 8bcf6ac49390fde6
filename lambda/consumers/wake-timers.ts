/** Wakes due within this much of each other share one timer. */
const COALESCE_MS = 5;

/**
 * One timer per key for the earliest of its wake times: delayed messages becoming due and kept records
 * becoming visible again schedule wakes here, so nothing polls while a queue waits.
 */
export class WakeTimers {
  private readonly pending = new Map<string, { times: number[]; timer?: ReturnType<typeof setTimeout> }>();
  private stopped = false;

  constructor(
    private readonly onDue: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wake `key` at `atMs` (epoch ms); a time already past wakes it at once. */
  at(key: string, atMs: number): void {
    if (this.stopped) return;
    if (atMs <= this.now()) {
      this.onDue(key);
      return;
    }
    const entry = this.pending.get(key) ?? { times: [] };
    this.pending.set(key, entry);
    const rounded = Math.ceil(atMs / COALESCE_MS) * COALESCE_MS;
    const index = lowerBound(entry.times, rounded);
    if (entry.times[index] === rounded) return;
    entry.times.splice(index, 0, rounded);
    if (index === 0) this.arm(key, entry);
  }

  /** Cancels every timer. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  /** Scheduled wakes: for tests. */
  scheduled(key: string): readonly number[] {
    return this.pending.get(key)?.times ?? [];
  }

  private arm(key: string, entry: { times: number[]; timer?: ReturnType<typeof setTimeout> }): void {
    clearTimeout(entry.timer);
    const next = entry.times[0];
    if (next === undefined) {
      this.pending.delete(key);
      return;
    }
    entry.timer = setTimeout(() => this.fire(key), Math.max(0, next - this.now()));
    entry.timer.unref?.();
  }

  private fire(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    const nowMs = this.now();
    while (entry.times.length > 0 && (entry.times[0] ?? 0) <= nowMs) entry.times.shift();
    this.arm(key, entry);
    this.onDue(key);
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

import type { ConcurrencySlot, ConcurrencySlots } from './ports.js';

/**
 * Concurrency slots for dispatchers in one process (`npm start`). A wake that finds every slot taken bumps
 * the consumer's wake count; a holder whose release sees the count moved since it acquired polls again.
 */
export class MemoryConcurrencySlots implements ConcurrencySlots {
  private readonly consumers = new Map<string, { held: number; wakes: number }>();

  async acquire(consumerId: string, maxConcurrency: number): Promise<ConcurrencySlot | undefined> {
    const state = this.stateOf(consumerId);
    if (state.held >= maxConcurrency) {
      state.wakes += 1;
      return undefined;
    }
    state.held += 1;
    const wakesAtAcquire = state.wakes;
    let released = false;
    return {
      release: async () => {
        if (released) return { wokenMeanwhile: false };
        released = true;
        state.held -= 1;
        return { wokenMeanwhile: state.wakes !== wakesAtAcquire };
      },
    };
  }

  /** Slots held now: for tests and the bench. */
  held(consumerId: string): number {
    return this.consumers.get(consumerId)?.held ?? 0;
  }

  private stateOf(consumerId: string): { held: number; wakes: number } {
    let state = this.consumers.get(consumerId);
    if (!state) {
      state = { held: 0, wakes: 0 };
      this.consumers.set(consumerId, state);
    }
    return state;
  }
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The last answer of a polled call, its last error, and a way to ask again now. */
export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Fetches again now (after an action), and restarts the interval. */
  refresh(): void;
}

/**
 * Calls `load` now and every `intervalMs` while the tab is visible, and again whenever `key` changes (the old
 * answer is dropped then). An answer that arrives after a newer call started is ignored.
 */
export function usePoll<T>(load: () => Promise<T>, key: string, intervalMs: number): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; key: string }>({
    data: undefined,
    error: undefined,
    loading: true,
    key,
  });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);

  const run = useCallback(async (currentKey: string) => {
    generation.current += 1;
    const mine = generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: undefined, loading: false, key: currentKey });
    } catch (error) {
      if (mine === generation.current) {
        setState((previous) => ({
          data: previous.key === currentKey ? previous.data : undefined,
          error,
          loading: false,
          key: currentKey,
        }));
      }
    }
  }, []);

  useEffect(() => {
    setState((previous) =>
      previous.key === key ? previous : { data: undefined, error: undefined, loading: true, key },
    );
    void run(key);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void run(key);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [key, intervalMs, run, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || state.loading,
    refresh,
  };
}

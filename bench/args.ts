/** What the command line asked for. */
export interface BenchOptions {
  /** Print one JSON object on stdout instead of tables. */
  readonly json: boolean;
  /** Length of each measured window. */
  readonly windowSeconds: number;
  /** Load before each window that is not measured: connections, JIT and backlog settle. */
  readonly warmupSeconds: number;
  /**
   * Configuration names to run (`8x8-b10`, `fifo-8x8-b10`), `standard` / `fifo` for all of a kind, and `dlq` for
   * the dead-letter measurements. @default - all eight, and the dead-letter measurements
   */
  readonly only?: readonly string[];
  /** Long-poll wake-up samples. */
  readonly longPollRounds: number;
  /** Split the service's capacity by SQS action (costs the service a few % of CPU: AsyncLocalStorage). */
  readonly byAction: boolean;
  /** Run the service with SigV4 authentication on, as deployed: every request verified against a key in the table. */
  readonly auth: boolean;
  /** Run only the topics bench (bench/topics.ts): publishes/s, units and latency for 1, 10 and 100 subscriptions. */
  readonly topics: boolean;
  /** Run only the consumers bench (bench/consumers.ts): send-to-invoke latency, records/s, idle invocations. */
  readonly consumers: boolean;
}

export const USAGE = `usage: npm run bench -- [--json] [--seconds N] [--warmup N] [--only NAME[,NAME]] [--rounds N] [--auth] [--topics] [--consumers]

  --json        print one JSON object on stdout (progress goes to stderr)
  --seconds N   measured window per run, in seconds (default 15)
  --warmup N    unmeasured load before each window, in seconds (default 3)
  --only NAMES  run only these configurations: 1x1-b1, 1x1-b10, 8x8-b1, 8x8-b10 (Standard queue),
                fifo-1x1-b1, fifo-1x1-b10, fifo-8x8-b1, fifo-8x8-b10 (FIFO queue, 64 groups; paired with
                the Standard floor of the same shape, measured for it when that one is not selected),
                or standard / fifo for all four of a kind; dlq = the dead-letter moves and redrive (run
                by default; with --only, only when named)
  --rounds N    long-poll wake-up samples (default 50; 0 skips the long-poll test)
  --by-action   also split the service's capacity by action under load (AsyncLocalStorage; costs a few % CPU)
  --auth        run the service with SigV4 authentication on, as deployed (the clients' key is in the table)
  --topics      run only the topics bench: publishes/s, WCU/RCU per publish and publish latency with 1, 10
                and 100 subscribed queues (--seconds, --warmup, --json and --auth apply)
  --consumers   run only the local consumers bench: send-to-invoke latency p50/p99, records/s and
                invocations per minute on an empty queue, Standard and FIFO (--seconds is the idle window)`;

/** Thrown for a flag the bench does not know or a value it cannot use; run.ts prints it with USAGE. */
export class UsageError extends Error {}

/** Parses `process.argv.slice(2)`; `--help` is answered by the caller. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let json = false;
  let byAction = false;
  let auth = false;
  let topics = false;
  let consumers = false;
  let windowSeconds = 15;
  let warmupSeconds = 3;
  let longPollRounds = 50;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--json':
        json = true;
        break;
      case '--by-action':
        byAction = true;
        break;
      case '--auth':
        auth = true;
        break;
      case '--topics':
        topics = true;
        break;
      case '--consumers':
        consumers = true;
        break;
      case '--seconds':
        windowSeconds = positiveNumber(flag, value());
        break;
      case '--warmup':
        warmupSeconds = positiveNumber(flag, value(), true);
        break;
      case '--rounds':
        longPollRounds = Math.floor(positiveNumber(flag, value(), true));
        break;
      case '--only':
        only.push(...value().split(',').filter(Boolean));
        break;
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  return {
    json,
    byAction,
    auth,
    topics,
    consumers,
    windowSeconds,
    warmupSeconds,
    longPollRounds,
    ...(only.length ? { only } : {}),
  };
}

function positiveNumber(flag: string, text: string, zeroAllowed = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed)) {
    throw new UsageError(`${flag} wants a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${text}`);
  }
  return n;
}

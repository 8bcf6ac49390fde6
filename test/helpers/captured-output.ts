import { afterEach, beforeEach, vi } from 'vitest';

/** What a Lambda function wrote to stdout and stderr (its CloudWatch log stream), line by line. */
export interface CapturedOutput {
  /** Every line written since the capture started (or was cleared), in order. */
  lines(): string[];
  /** The lines that are JSON objects, parsed: Powertools log lines and EMF documents. */
  records(): Record<string, unknown>[];
  /** EMF documents only: the lines with an `_aws.CloudWatchMetrics` section. */
  emf(): EmfDocument[];
  /** Powertools Logger lines only (they have a `level`). */
  logs(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

/** An Embedded Metric Format document, as CloudWatch reads it from a log line. */
export interface EmfDocument extends Record<string, unknown> {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
}

/**
 * Captures what Powertools writes through its own `Console` on `process.stdout` / `process.stderr`, and keeps it
 * out of the test output.
 */
export function captureOutput(): CapturedOutput {
  let written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  const records = () =>
    lines().flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  return {
    lines,
    records,
    emf: () => records().filter((record): record is EmfDocument => isEmf(record)),
    logs: () => records().filter((record) => typeof record.level === 'string'),
    clear: () => {
      written = [];
    },
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

function isEmf(record: Record<string, unknown>): boolean {
  const aws = record._aws as { CloudWatchMetrics?: unknown } | undefined;
  return Array.isArray(aws?.CloudWatchMetrics);
}

/** The values of one metric for one queue, over a set of EMF documents (a metric's value may be an array). */
export function metricValues(documents: readonly EmfDocument[], queueName: string, metric: string): number[] {
  return documents
    .filter((doc) => doc.QueueName === queueName && doc[metric] !== undefined)
    .flatMap((doc) => {
      const value = doc[metric];
      return Array.isArray(value) ? (value as number[]) : [value as number];
    });
}

/** The sum of a counter for one queue, over a set of EMF documents. */
export function metricSum(documents: readonly EmfDocument[], queueName: string, metric: string): number {
  return metricValues(documents, queueName, metric).reduce((sum, value) => sum + value, 0);
}

/**
 * Captures the output of every test of the calling file, from its start to its end; read it through the
 * returned function.
 */
export function useCapturedOutput(): () => CapturedOutput {
  let output: CapturedOutput | undefined;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    output?.restore();
  });
  return () => {
    if (output === undefined) throw new Error('no test is running');
    return output;
  };
}

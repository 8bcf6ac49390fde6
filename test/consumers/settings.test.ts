import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONCURRENCY, validateConsumerSettings } from '../../lambda/consumers/settings.js';

function problemsOf(result: ReturnType<typeof validateConsumerSettings>): string[] {
  return 'issues' in result ? result.issues.map((issue) => `${issue.setting}: ${issue.problem}`) : [];
}

describe('validateConsumerSettings', () => {
  it("fills in Lambda's defaults", () => {
    const result = validateConsumerSettings({ queueName: 'orders' }, false);

    expect(result).toEqual({
      settings: {
        queueName: 'orders',
        batchSize: 10,
        maxBatchingWindowMs: 0,
        reportBatchItemFailures: false,
        maxConcurrency: DEFAULT_MAX_CONCURRENCY,
        filters: [],
        enabled: true,
      },
    });
  });

  it('accepts a Standard batch of 10,000 with a batching window of at least 1 s', () => {
    const result = validateConsumerSettings(
      { queueName: 'q', batchSize: 10_000, maxBatchingWindowMs: 1_000 },
      false,
    );

    expect(problemsOf(result)).toEqual([]);
  });

  it('refuses a batch over 10 without a batching window of at least 1 s', () => {
    const result = validateConsumerSettings(
      { queueName: 'q', batchSize: 11, maxBatchingWindowMs: 500 },
      false,
    );

    expect(problemsOf(result)).toEqual([
      'batchSize: Maximum batch size must be between 1 and 10 inclusive (given 11) when the batching window is under 1 second',
    ]);
  });

  it('refuses a FIFO batch over 10 and a FIFO batching window', () => {
    const result = validateConsumerSettings(
      { queueName: 'q.fifo', batchSize: 11, maxBatchingWindowMs: 1_000 },
      true,
    );

    expect(problemsOf(result)).toEqual([
      'maxBatchingWindow: Batching window is not supported for FIFO queues',
      'batchSize: Maximum batch size must be between 1 and 10 inclusive for a FIFO queue (given 11)',
    ]);
  });

  it.each([
    [
      { batchSize: 0 },
      'batchSize: Maximum batch size must be between 1 and 10000 inclusive for a Standard queue (given 0)',
    ],
    [
      { batchSize: 10_001, maxBatchingWindowMs: 1_000 },
      'batchSize: Maximum batch size must be between 1 and 10000 inclusive for a Standard queue (given 10001)',
    ],
    [
      { batchSize: 2.5 },
      'batchSize: Maximum batch size must be between 1 and 10000 inclusive for a Standard queue (given 2.5)',
    ],
    [
      { maxBatchingWindowMs: 301_000 },
      'maxBatchingWindow: Maximum batching window must be 300 seconds or less (given 301 seconds)',
    ],
    [
      { maxBatchingWindowMs: -1_000 },
      'maxBatchingWindow: Maximum batching window must be 300 seconds or less (given -1 seconds)',
    ],
    [
      { maxConcurrency: 1 },
      'maxConcurrency: maxConcurrency must be between 2 and 1000 concurrent instances (given 1)',
    ],
    [
      { maxConcurrency: 1_001 },
      'maxConcurrency: maxConcurrency must be between 2 and 1000 concurrent instances (given 1001)',
    ],
    [{ filters: [1, 2, 3, 4, 5, 6] }, 'filters: must be a list of at most 5 filter patterns (given 6)'],
    [{ timeoutMs: 901_000 }, 'timeout: must be from 1 ms to 900 seconds (given 901 seconds)'],
    [{ timeoutMs: 0 }, 'timeout: must be from 1 ms to 900 seconds (given 0 seconds)'],
  ])('refuses %j', (input, problem) => {
    const result = validateConsumerSettings({ queueName: 'q', ...input }, false);

    expect(problemsOf(result)).toEqual([problem]);
  });

  it('accepts the edges of each range', () => {
    const result = validateConsumerSettings(
      {
        queueName: 'q',
        batchSize: 1,
        maxBatchingWindowMs: 300_000,
        maxConcurrency: 2,
        filters: [{}, {}, {}, {}, {}],
        timeoutMs: 900_000,
      },
      false,
    );

    expect(problemsOf(result)).toEqual([]);
  });
});

describe('validateConsumerSettings filters', () => {
  it('refuses a pattern Lambda would refuse, naming it', () => {
    const result = validateConsumerSettings(
      { queueName: 'q', filters: [{ body: { kind: ['a'] } }, { body: { kind: [] } }] },
      false,
    );

    expect(problemsOf(result)).toEqual([
      'filters: filters[1]: Event pattern is not valid. Reason: Empty arrays are not allowed',
    ]);
  });

  it('accepts patterns as objects, JSON text and Lambda Filter objects', () => {
    const pattern = { body: { kind: ['a'] } };
    const result = validateConsumerSettings(
      {
        queueName: 'q',
        filters: [
          pattern,
          JSON.stringify(pattern),
          { Pattern: JSON.stringify(pattern) },
          { pattern: JSON.stringify(pattern) },
        ],
      },
      false,
    );

    expect(problemsOf(result)).toEqual([]);
  });
});

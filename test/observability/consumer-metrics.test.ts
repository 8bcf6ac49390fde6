import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvocationReport } from '../../lambda/consumers/ports.js';
import { isDispatchKick } from '../../lambda/dispatch/consumer-registration.js';
import { ConsumerMetrics, functionNameOfArn } from '../../lambda/observability/consumer-metrics.js';
import { type CapturedOutput, captureOutput } from '../helpers/captured-output.js';

let output: CapturedOutput;

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

function report(outcome: InvocationReport['outcome']): InvocationReport {
  return {
    consumerId: 'c',
    queueName: 'orders',
    records: 3,
    outcome,
    durationMs: 42,
    oldestRecordAgeMs: 150,
    deleted: outcome === 'success' ? 3 : 0,
    kept: outcome === 'success' ? 0 : 3,
    keptMessageIds: outcome === 'success' ? [] : ['m1', 'm2', 'm3'],
  };
}

describe('ConsumerMetrics', () => {
  it('writes one document per invocation under QueueName and FunctionName only, in the namespace', () => {
    new ConsumerMetrics({ namespace: 'Queues' }).publishInvocation('handler', report('success'));

    const [document] = output.emf();
    expect(document?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Queues',
        Dimensions: [['QueueName', 'FunctionName']],
        Metrics: [
          { Name: 'ConsumerInvocations', Unit: 'Count' },
          { Name: 'ConsumerErrors', Unit: 'Count' },
          { Name: 'ConsumerRecords', Unit: 'Count' },
          { Name: 'ConsumerDuration', Unit: 'Milliseconds' },
          { Name: 'ConsumerAgeOfOldestRecord', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(document).toMatchObject({
      QueueName: 'orders',
      FunctionName: 'handler',
      ConsumerInvocations: 1,
      ConsumerErrors: 0,
      ConsumerRecords: 3,
      ConsumerDuration: 42,
      ConsumerAgeOfOldestRecord: 150,
    });
  });

  it('counts an error for every outcome that left the whole batch, and none for a partial batch response', () => {
    const metrics = new ConsumerMetrics();
    for (const outcome of ['error', 'timeout', 'invalid-response', 'late', 'partial', 'success'] as const) {
      metrics.publishInvocation('handler', report(outcome));
    }

    expect(output.emf().map((document) => document.ConsumerErrors)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('names the function of an ARN, a qualified one included', () => {
    expect(functionNameOfArn('arn:aws:lambda:us-east-1:123456789012:function:orders')).toBe('orders');
    expect(functionNameOfArn('arn:aws:lambda:us-east-1:123456789012:function:orders:live')).toBe('orders');
    expect(functionNameOfArn('orders')).toBe('orders');
  });
});

describe('isDispatchKick', () => {
  it('takes a queue name with an optional due time, and nothing else', () => {
    expect(isDispatchKick({ queueName: 'orders' })).toBe(true);
    expect(isDispatchKick({ queueName: 'orders', notBeforeMs: 1 })).toBe(true);
    for (const garbage of [
      null,
      'orders',
      [],
      {},
      { queueName: '' },
      { queueName: 1 },
      { queueName: 'q', notBeforeMs: 'soon' },
      { queueName: 'q', notBeforeMs: Number.POSITIVE_INFINITY },
      { RequestType: 'Create' },
    ]) {
      expect(isDispatchKick(garbage)).toBe(false);
    }
  });
});

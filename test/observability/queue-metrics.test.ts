import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueMetrics } from '../../lambda/observability/queue-metrics.js';
import { type CapturedOutput, captureOutput, metricSum, metricValues } from '../helpers/captured-output.js';

let output: CapturedOutput;

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

describe('QueueMetrics', () => {
  it('keeps the QueueName dimension on every document when a queue has more message sizes than one document holds', () => {
    const metrics = new QueueMetrics();
    for (let i = 0; i < 25; i++) {
      metrics.messagesSent(
        'orders',
        Array.from({ length: 10 }, (_, j) => i * 10 + j + 1),
      );
    }

    metrics.flush();

    const documents = output.emf();
    expect(documents.length).toBeGreaterThan(2);
    expect(documents.every((doc) => doc.QueueName === 'orders')).toBe(true);
    expect(
      documents.every(
        (doc) => JSON.stringify(doc._aws.CloudWatchMetrics[0]?.Dimensions) === '[["QueueName"]]',
      ),
    ).toBe(true);
    expect(metricSum(documents, 'orders', 'NumberOfMessagesSent')).toBe(250);
    expect(metricValues(documents, 'orders', 'SentMessageSize').sort((a, b) => a - b)).toEqual(
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
  });

  it('writes each queue apart, only counters that moved, and nothing once flushed', () => {
    const metrics = new QueueMetrics({ namespace: 'Custom' });
    metrics.messagesReceived('a', 3);
    metrics.messagesReceived('a', 0);
    metrics.messagesDeleted('b', 2);
    metrics.messagesMovedToDeadLetterQueue('b', 1);

    metrics.flush();
    const first = output.emf();
    output.clear();
    metrics.flush();

    expect(first).toHaveLength(2);
    expect(first.map((doc) => doc._aws.CloudWatchMetrics[0]?.Namespace)).toEqual(['Custom', 'Custom']);
    expect(first[0]).toMatchObject({ QueueName: 'a', NumberOfMessagesReceived: 3, NumberOfEmptyReceives: 1 });
    expect(first[0]).not.toHaveProperty('NumberOfMessagesDeleted');
    expect(first[1]).toMatchObject({
      QueueName: 'b',
      NumberOfMessagesDeleted: 2,
      NumberOfMessagesMovedToDeadLetterQueue: 1,
    });
    expect(output.lines()).toEqual([]);
    expect(metrics.hasPending()).toBe(false);
  });
});

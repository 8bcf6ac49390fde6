import { describe, expect, it } from 'vitest';
import {
  checkConsumerDeclaration,
  parseConsumerDeclaration,
} from '../../lambda/dispatch/consumer-declaration.js';

const STANDARD = { fifo: false, visibilityTimeoutSeconds: 30 };

describe('parseConsumerDeclaration', () => {
  it.each<[string, unknown, RegExp]>([
    ['no string', { queueName: 'q' }, /must be a JSON string/],
    ['broken JSON', '{"queueName":', /not valid JSON/],
    ['a list', '[]', /must be a JSON object/],
    ['no queue', '{"functionArn":"arn"}', /queueName must be a non-empty string/],
    ['an empty function', '{"queueName":"q","functionArn":""}', /functionArn must be a non-empty string/],
    [
      'a numeric string batch',
      '{"queueName":"q","functionArn":"f","batchSize":"10"}',
      /batchSize must be a number/,
    ],
    ['filter objects', '{"queueName":"q","functionArn":"f","filters":[{}]}', /list of pattern strings/],
    [
      'a string flag',
      '{"queueName":"q","functionArn":"f","enabled":"false"}',
      /enabled must be true or false/,
    ],
    [
      'a lone surrogate',
      '{"queueName":"q","functionArn":"f","batchSize":"\\ud800"}',
      /batchSize must be a number/,
    ],
  ])('refuses %s, saying which field', (_case, text, message) => {
    expect(() => parseConsumerDeclaration(text)).toThrow(message);
  });
});

describe('checkConsumerDeclaration', () => {
  it("fills Lambda's defaults, and the function timeout Lambda defaults to", () => {
    expect(checkConsumerDeclaration({ queueName: 'q', functionArn: 'f' }, STANDARD)).toEqual({
      queueName: 'q',
      batchSize: 10,
      maxBatchingWindowMs: 0,
      reportBatchItemFailures: false,
      maxConcurrency: 1_250,
      filters: [],
      enabled: true,
      timeoutMs: 3_000,
    });
  });

  it('refuses a function timeout over the queue visibility timeout, as CreateEventSourceMapping does', () => {
    expect(() =>
      checkConsumerDeclaration({ queueName: 'q', functionArn: 'f', timeoutMs: 31_000 }, STANDARD),
    ).toThrow('Queue visibility timeout: 30 seconds is less than Function timeout: 31 seconds');
  });

  it('refuses hostile numbers with the range Lambda allows', () => {
    for (const batchSize of [Number.NaN, -1, 1e308, 2.5]) {
      expect(() =>
        checkConsumerDeclaration({ queueName: 'q', functionArn: 'f', batchSize }, STANDARD),
      ).toThrow(/batchSize: Maximum batch size must be between 1 and/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambda/config.js';

describe('readConfig', () => {
  it('reads the DynamoDB request timeout in ms, and leaves it to the default when unset', () => {
    expect(readConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: '2500' }).dynamodbRequestTimeoutMs).toBe(2500);
    expect(readConfig({}).dynamodbRequestTimeoutMs).toBeUndefined();
  });

  it.each(['0', '-5', '1.5', 'five', '5s'])('refuses DYNAMODB_REQUEST_TIMEOUT_MS=%s', (value) => {
    expect(() => readConfig({ DYNAMODB_REQUEST_TIMEOUT_MS: value })).toThrow(/DYNAMODB_REQUEST_TIMEOUT_MS/);
  });
});

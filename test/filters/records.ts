import type { SqsFilterRecord } from '../../lambda/filters/index.js';

/** An SQS record as Lambda hands it to a function (and to its filters), with the given body. */
export function sqsRecord(body: string, overrides: Record<string, unknown> = {}): SqsFilterRecord {
  return {
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:my-queue',
    awsRegion: 'us-west-2',
    ...overrides,
  };
}

/** A record whose body is `value` as JSON. */
export function jsonRecord(value: unknown): SqsFilterRecord {
  return sqsRecord(JSON.stringify(value));
}

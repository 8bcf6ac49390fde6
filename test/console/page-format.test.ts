import { describe, expect, it } from 'vitest';
import { formatDuration, prettyBody, queueNameOfArn } from '../../console/src/format.js';

describe('prettyBody', () => {
  it('indents a JSON object or array', () => {
    expect(prettyBody('{"a":1,"b":[1,2]}', false)).toEqual({
      text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}',
      json: true,
    });
    expect(prettyBody(' [1] ', false).json).toBe(true);
  });

  it('leaves text, a bare JSON value, broken JSON and a cut body as they are', () => {
    for (const [body, truncated] of [
      ['hello', false],
      ['42', false],
      ['{"a":', false],
      ['{"a":1}', true],
      ['<script>alert(1)</script>', false],
    ] as const) {
      expect(prettyBody(body, truncated)).toEqual({ text: body, json: false });
    }
  });
});

describe('formatDuration', () => {
  it('says a duration as a person would', () => {
    expect([0, 42, 60, 95, 3600, 3660, 90_061, undefined].map(formatDuration)).toEqual([
      '0 s',
      '42 s',
      '1 min',
      '1 min 35 s',
      '1 h',
      '1 h 1 min',
      '1 d 1 h',
      '–',
    ]);
  });
});

describe('queueNameOfArn', () => {
  it('takes the name after the last colon', () => {
    expect(queueNameOfArn('arn:aws:sqs:us-east-1:000000000000:orders-dlq.fifo')).toBe('orders-dlq.fifo');
  });
});

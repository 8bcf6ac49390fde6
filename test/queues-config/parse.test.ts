import { describe, expect, it } from 'vitest';
import { parseQueueDeclaration, parseQueuesConfig } from '../../lambda/queues-config/parse.js';
import { QueuesConfigError } from '../../lambda/queues-config/schema.js';

/** The message parseQueuesConfig throws for `json`, one line per issue. */
function problems(json: unknown): string {
  try {
    parseQueuesConfig(json);
  } catch (error) {
    expect(error).toBeInstanceOf(QueuesConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

/** The problems of a config with this one queue. */
function queueProblems(queue: unknown): string {
  return problems({ queues: [queue] });
}

describe('parseQueuesConfig', () => {
  it('returns the declared queues with attribute values as SQS takes them', () => {
    const config = parseQueuesConfig({
      queues: [
        { name: 'orders-dlq' },
        {
          name: 'orders',
          attributes: { VisibilityTimeout: 60, DelaySeconds: '5', SqsManagedSseEnabled: false },
          tags: { team: 'shop', tier: 1 },
          deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 },
        },
      ],
    });

    expect(config.queues).toEqual([
      { name: 'orders-dlq', fifo: false, attributes: {} },
      {
        name: 'orders',
        fifo: false,
        attributes: { VisibilityTimeout: '60', DelaySeconds: '5', SqsManagedSseEnabled: 'false' },
        tags: { team: 'shop', tier: '1' },
        deadLetterQueue: { name: 'orders-dlq', maxReceiveCount: 5 },
      },
    ]);
  });

  it('makes a queue whose name ends in .fifo a FIFO queue, with or without FifoQueue', () => {
    const config = parseQueuesConfig({
      queues: [
        { name: 'a.fifo' },
        { name: 'b.fifo', attributes: { FifoQueue: true, ContentBasedDeduplication: true } },
      ],
    });

    expect(config.queues).toEqual([
      { name: 'a.fifo', fifo: true, attributes: { FifoQueue: 'true' } },
      { name: 'b.fifo', fifo: true, attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } },
    ]);
  });

  it('leaves FifoQueue false out of a Standard queue, which SQS does not give that attribute', () => {
    const config = parseQueuesConfig({ queues: [{ name: 'plain', attributes: { FifoQueue: 'false' } }] });

    expect(config.queues[0]?.attributes).toEqual({});
  });

  it('takes a policy as an object or as the JSON string SQS takes', () => {
    const policy = { Version: '2012-10-17', Statement: [] };

    const config = parseQueuesConfig({
      queues: [
        { name: 'a', attributes: { Policy: policy } },
        { name: 'b', attributes: { Policy: JSON.stringify(policy) } },
      ],
    });

    expect(config.queues.map((queue) => queue.attributes.Policy)).toEqual([
      JSON.stringify(policy),
      JSON.stringify(policy),
    ]);
  });

  it('accepts an empty list of queues', () => {
    expect(parseQueuesConfig({ queues: [] })).toEqual({ queues: [] });
  });

  it('rejects a file that is not an object with a queues array', () => {
    expect(problems([1])).toBe('the queues config must be a JSON object like { "queues": [...] }, got [1]');
    expect(problems({ queue: [] })).toBe(
      'queue is not a queues config field; allowed: queues, consumers, topics\nqueues must be an array of queue declarations, got nothing',
    );
  });

  it('names an entry without a valid name by its position', () => {
    expect(problems({ queues: [{ name: 'ok' }, 'orders', { attributes: {} }, { name: 'my queue' }] })).toBe(
      [
        'queues[1] must be an object with at least a name, got "orders"',
        'queues[2]: name is required: 1 to 80 letters, digits, hyphens or underscores, ending in .fifo for a FIFO queue',
        'queues[3]: name must be 1 to 80 letters, digits, hyphens or underscores, ending in .fifo for a FIFO queue, got "my queue"',
      ].join('\n'),
    );
  });

  it('rejects a field a queue declaration does not have', () => {
    expect(queueProblems({ name: 'orders', attribute: {} })).toBe(
      "queue 'orders': attribute is not a queue field; allowed: name, attributes, tags, deadLetterQueue",
    );
  });

  it('says which values an attribute allows', () => {
    expect(queueProblems({ name: 'orders', attributes: { VisibilityTimeout: 50_000 } })).toBe(
      "queue 'orders': attributes.VisibilityTimeout must be an integer from 0 to 43200 (seconds), got 50000",
    );
    expect(queueProblems({ name: 'orders', attributes: { MaximumMessageSize: '1k' } })).toBe(
      'queue \'orders\': attributes.MaximumMessageSize must be an integer from 1024 to 1048576 (bytes), got "1k"',
    );
    expect(queueProblems({ name: 'orders', attributes: { SqsManagedSseEnabled: 'yes' } })).toBe(
      'queue \'orders\': attributes.SqsManagedSseEnabled must be true or false, got "yes"',
    );
    expect(queueProblems({ name: 'o.fifo', attributes: { DeduplicationScope: 'group' } })).toBe(
      "queue 'o.fifo': attributes.DeduplicationScope must be 'messageGroup' or 'queue', got \"group\"",
    );
    expect(queueProblems({ name: 'orders', attributes: { Policy: '{not json' } })).toBe(
      'queue \'orders\': attributes.Policy must be a JSON policy document, as an object or a string holding one, got "{not json"',
    );
  });

  it('lists the attributes it knows when given one it does not', () => {
    expect(queueProblems({ name: 'orders', attributes: { Visibility: '30' } })).toBe(
      "queue 'orders': attributes.Visibility is not an SQS queue attribute; allowed: DelaySeconds, MaximumMessageSize, " +
        'MessageRetentionPeriod, ReceiveMessageWaitTimeSeconds, VisibilityTimeout, Policy, RedriveAllowPolicy, ' +
        'KmsMasterKeyId, KmsDataKeyReusePeriodSeconds, SqsManagedSseEnabled, FifoQueue, ContentBasedDeduplication, ' +
        'DeduplicationScope, FifoThroughputLimit',
    );
  });

  it('points RedrivePolicy to deadLetterQueue and refuses read-only attributes', () => {
    expect(queueProblems({ name: 'orders', attributes: { RedrivePolicy: '{}', QueueArn: 'arn' } })).toBe(
      [
        "queue 'orders': attributes.RedrivePolicy is set with deadLetterQueue: " +
          '{ "name": "<a queue in this file>", "maxReceiveCount": <1 to 1000> }',
        "queue 'orders': attributes.QueueArn is read-only: SQS sets it",
      ].join('\n'),
    );
  });

  it('keeps FIFO settings and names to FIFO queues', () => {
    expect(queueProblems({ name: 'orders', attributes: { ContentBasedDeduplication: true } })).toBe(
      "queue 'orders': attributes.ContentBasedDeduplication applies only to FIFO queues, whose names end in .fifo",
    );
    expect(queueProblems({ name: 'orders', attributes: { FifoQueue: true } })).toBe(
      "queue 'orders': attributes.FifoQueue is true, but a FIFO queue needs a name that ends in .fifo",
    );
    expect(queueProblems({ name: 'orders.fifo', attributes: { FifoQueue: 'false' } })).toBe(
      "queue 'orders.fifo': attributes.FifoQueue is false, but a name ending in .fifo is a FIFO queue (drop FifoQueue)",
    );
  });

  it('asks for DeduplicationScope messageGroup with FifoThroughputLimit perMessageGroupId, as SQS does', () => {
    expect(queueProblems({ name: 'o.fifo', attributes: { FifoThroughputLimit: 'perMessageGroupId' } })).toBe(
      "queue 'o.fifo': attributes.FifoThroughputLimit is 'perMessageGroupId', which needs attributes.DeduplicationScope 'messageGroup' too",
    );
    expect(
      parseQueuesConfig({
        queues: [
          {
            name: 'o.fifo',
            attributes: { FifoThroughputLimit: 'perMessageGroupId', DeduplicationScope: 'messageGroup' },
          },
        ],
      }).queues[0]?.attributes.FifoThroughputLimit,
    ).toBe('perMessageGroupId');
  });

  it('checks tags against SQS limits', () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));

    expect(queueProblems({ name: 'orders', tags: { team: { name: 'shop' }, '': 'x' } })).toBe(
      [
        'queue \'orders\': tags.team must be a string of up to 256 characters, got {"name":"shop"}',
        "queue 'orders': tags has a key of 0 characters; tag keys are 1 to 128 characters",
      ].join('\n'),
    );
    expect(queueProblems({ name: 'orders', tags: tooMany })).toBe(
      "queue 'orders': tags has 51 tags; a queue can have at most 50",
    );
    expect(queueProblems({ name: 'orders', tags: ['team'] })).toBe(
      'queue \'orders\': tags must be an object of tag keys and values, got ["team"]',
    );
  });

  it('checks the dead-letter queue name and maxReceiveCount', () => {
    expect(queueProblems({ name: 'orders', deadLetterQueue: { name: 'orders-dlq' } })).toBe(
      "queue 'orders': deadLetterQueue.maxReceiveCount is required: an integer from 1 to 1000",
    );
    expect(
      queueProblems({ name: 'orders', deadLetterQueue: { name: 'orders dlq', maxReceiveCount: 0 } }),
    ).toBe(
      [
        'queue \'orders\': deadLetterQueue.name must be 1 to 80 letters, digits, hyphens or underscores, ending in .fifo for a FIFO queue, got "orders dlq"',
        "queue 'orders': deadLetterQueue.maxReceiveCount must be an integer from 1 to 1000, got 0",
      ].join('\n'),
    );
    expect(
      queueProblems({ name: 'orders', deadLetterQueue: { queue: 'orders-dlq', maxReceiveCount: 5 } }),
    ).toBe(
      [
        "queue 'orders': deadLetterQueue.queue is not a deadLetterQueue field; allowed: name, maxReceiveCount",
        "queue 'orders': deadLetterQueue.name is required: 1 to 80 letters, digits, hyphens or underscores, ending in .fifo for a FIFO queue",
      ].join('\n'),
    );
    expect(queueProblems({ name: 'orders', deadLetterQueue: 'orders-dlq' })).toBe(
      'queue \'orders\': deadLetterQueue must be an object like { "name": "orders-dlq", "maxReceiveCount": 5 }, got "orders-dlq"',
    );
  });

  it('takes maxReceiveCount as a number or a string of digits', () => {
    const config = parseQueuesConfig({
      queues: [{ name: 'orders', deadLetterQueue: { name: 'dlq', maxReceiveCount: '3' } }],
    });

    expect(config.queues[0]?.deadLetterQueue).toEqual({ name: 'dlq', maxReceiveCount: 3 });
  });

  it('rejects a queue declared twice', () => {
    expect(problems({ queues: [{ name: 'orders' }, { name: 'x' }, { name: 'orders' }] })).toBe(
      "queue 'orders': name is declared more than once (queues[0], queues[2])",
    );
  });

  it('reports every problem of the file at once', () => {
    const error = (() => {
      try {
        parseQueuesConfig({
          queues: [
            { name: 'a', attributes: { DelaySeconds: -1 } },
            { name: 'b', deadLetterQueue: { name: 'a', maxReceiveCount: 1001 } },
          ],
        });
      } catch (thrown) {
        return thrown as QueuesConfigError;
      }
    })();

    expect(error?.issues).toEqual([
      {
        queue: "queue 'a'",
        field: 'attributes.DelaySeconds',
        problem: 'must be an integer from 0 to 900 (seconds), got -1',
      },
      {
        queue: "queue 'b'",
        field: 'deadLetterQueue.maxReceiveCount',
        problem: 'must be an integer from 1 to 1000, got 1001',
      },
    ]);
  });

  it('treats JavaScript property names as the unknown attributes and plain tag keys they are', () => {
    const json = JSON.parse('{"queues":[{"name":"q","attributes":{"__proto__":"1"}}]}') as unknown;
    const tagged = JSON.parse(
      '{"queues":[{"name":"q","tags":{"__proto__":"p","constructor":"c"}}]}',
    ) as unknown;

    expect(problems(json)).toMatch(/^queue 'q': attributes.__proto__ is not an SQS queue attribute;/);
    expect(Object.entries(parseQueuesConfig(tagged).queues[0]?.tags ?? {})).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
  });
});

describe('parseQueueDeclaration', () => {
  it('checks one queue as the CDK Queue construct will', () => {
    expect(parseQueueDeclaration({ name: 'jobs', attributes: { VisibilityTimeout: 10 } })).toEqual({
      name: 'jobs',
      fifo: false,
      attributes: { VisibilityTimeout: '10' },
    });
    expect(() => parseQueueDeclaration({ name: 'jobs', attributes: { DelaySeconds: 901 } })).toThrow(
      "queue 'jobs': attributes.DelaySeconds must be an integer from 0 to 900 (seconds), got 901",
    );
  });
});

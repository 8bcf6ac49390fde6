import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import {
  attributesForNewQueue,
  deduplicationScopeIsGroup,
  firstDifferingAttribute,
  isFifoQueue,
  resolveRequestedAttributes,
  validateCreateAttributes,
  validateQueueName,
  validateSetAttributes,
} from '../../lambda/engine/queue-attributes.js';
import type { StringMap } from '../../lambda/engine/types.js';

function errorOf(action: () => unknown): { code: string; message: string } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof SqsError) return { code: error.code, message: error.message };
    throw error;
  }
}

const FIFO_NAME_MESSAGE =
  'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.';
const STANDARD_NAME_MESSAGE =
  'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
const THROUGHPUT_MESSAGE =
  'Invalid value for the parameter FifoThroughputLimit. Reason: To set FifoThroughputLimit to perMessageGroupId, the DeduplicationScope must be messageGroup.';

function newFifoQueue(requested: StringMap = {}): Record<string, string> {
  return attributesForNewQueue(validateCreateAttributes({ FifoQueue: 'true', ...requested }));
}

describe('validateQueueName', () => {
  it('accepts a .fifo name of 80 characters with FifoQueue=true', () => {
    expect(errorOf(() => validateQueueName(`${'a'.repeat(75)}.fifo`, { FifoQueue: 'true' }))).toBeUndefined();
  });

  it.each([
    ['no .fifo suffix', 'orders'],
    ['81 characters', `${'a'.repeat(76)}.fifo`],
    ['only the suffix', '.fifo'],
    ['a period before the suffix', 'a.b.fifo'],
  ])('rejects FifoQueue=true with a name that has %s', (_what, name) => {
    expect(errorOf(() => validateQueueName(name, { FifoQueue: 'true' }))).toEqual({
      code: 'InvalidParameterValue',
      message: FIFO_NAME_MESSAGE,
    });
  });

  it.each([undefined, { FifoQueue: 'false' }])(
    'rejects a .fifo name for a Standard queue (%j)',
    (attributes) => {
      expect(errorOf(() => validateQueueName('orders.fifo', attributes))).toEqual({
        code: 'InvalidParameterValue',
        message: STANDARD_NAME_MESSAGE,
      });
    },
  );
});

describe('CreateQueue attributes', () => {
  it("stores SQS's defaults on a new FIFO queue", () => {
    expect(newFifoQueue()).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
      SqsManagedSseEnabled: 'true',
      VisibilityTimeout: '30',
    });
  });

  it('stores no FIFO attributes on a new Standard queue', () => {
    const attributes = attributesForNewQueue(validateCreateAttributes({}));

    expect(Object.keys(attributes).filter((name) => /Fifo|Dedup/.test(name))).toEqual([]);
    expect(isFifoQueue(attributes)).toBe(false);
  });

  it('takes valid FIFO settings, high throughput included', () => {
    const attributes = newFifoQueue({
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });

    expect(attributes).toMatchObject({
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
    expect(isFifoQueue(attributes)).toBe(true);
    expect(deduplicationScopeIsGroup(attributes)).toBe(true);
  });

  it('allows messageGroup deduplication without high throughput', () => {
    expect(errorOf(() => newFifoQueue({ DeduplicationScope: 'messageGroup' }))).toBeUndefined();
  });

  it('rejects perMessageGroupId without messageGroup deduplication', () => {
    expect(errorOf(() => newFifoQueue({ FifoThroughputLimit: 'perMessageGroupId' }))).toEqual({
      code: 'InvalidAttributeValue',
      message: THROUGHPUT_MESSAGE,
    });
  });

  it.each([
    ['ContentBasedDeduplication', 'yes'],
    ['DeduplicationScope', 'group'],
    ['FifoThroughputLimit', 'perGroup'],
  ])('rejects %s=%s on a FIFO queue', (name, value) => {
    expect(errorOf(() => newFifoQueue({ [name]: value }))).toEqual({
      code: 'InvalidAttributeValue',
      message: `Invalid value for the parameter ${name}.`,
    });
  });

  it.each([
    ['FifoQueue', 'false', 'Unknown Attribute FifoQueue.'],
    ['ContentBasedDeduplication', 'false', 'Unknown Attribute ContentBasedDeduplication.'],
    [
      'DeduplicationScope',
      'queue',
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    ],
    [
      'FifoThroughputLimit',
      'perQueue',
      'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
    ],
  ])('rejects %s=%s on a Standard queue', (name, value, message) => {
    expect(errorOf(() => validateCreateAttributes({ [name]: value }))).toEqual({
      code: 'InvalidAttributeName',
      message,
    });
  });
});

describe('repeated CreateQueue', () => {
  it("treats SQS's FIFO defaults given explicitly as equal to the stored ones", () => {
    const existing = newFifoQueue();
    const requested = validateCreateAttributes({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'false',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });

    expect(firstDifferingAttribute(existing, requested)).toBeUndefined();
  });

  it('names the first FIFO attribute that differs', () => {
    const existing = newFifoQueue();
    const requested = validateCreateAttributes({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });

    expect(firstDifferingAttribute(existing, requested)).toBe('ContentBasedDeduplication');
  });

  it('compares a FIFO attribute the stored queue lacks with its default', () => {
    const existing = { FifoQueue: 'true', VisibilityTimeout: '30' };

    expect(firstDifferingAttribute(existing, { FifoThroughputLimit: 'perQueue' })).toBeUndefined();
    expect(firstDifferingAttribute(existing, { DeduplicationScope: 'messageGroup' })).toBe(
      'DeduplicationScope',
    );
  });
});

describe('SetQueueAttributes on a FIFO queue', () => {
  it('changes the FIFO settings', () => {
    const changes = validateSetAttributes(
      { ContentBasedDeduplication: 'true', DeduplicationScope: 'messageGroup' },
      newFifoQueue(),
    );

    expect(changes).toEqual({ ContentBasedDeduplication: 'true', DeduplicationScope: 'messageGroup' });
  });

  it('accepts FifoQueue=true and changes nothing', () => {
    expect(validateSetAttributes({ FifoQueue: 'true' }, newFifoQueue())).toEqual({});
  });

  it.each(['false', 'yes'])('refuses to change the queue type with FifoQueue=%s', (value) => {
    expect(errorOf(() => validateSetAttributes({ FifoQueue: value }, newFifoQueue()))).toEqual({
      code: 'InvalidAttributeValue',
      message: 'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    });
  });

  it('allows perMessageGroupId on a queue that already deduplicates per group', () => {
    const current = newFifoQueue({ DeduplicationScope: 'messageGroup' });

    expect(errorOf(() => validateSetAttributes({ FifoThroughputLimit: 'perMessageGroupId' }, current))).toBe(
      undefined,
    );
  });

  it('checks perMessageGroupId against the combination the change leaves', () => {
    const highThroughput = newFifoQueue({
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });

    expect(
      errorOf(() => validateSetAttributes({ FifoThroughputLimit: 'perMessageGroupId' }, newFifoQueue())),
    ).toEqual({ code: 'InvalidAttributeValue', message: THROUGHPUT_MESSAGE });
    expect(errorOf(() => validateSetAttributes({ DeduplicationScope: 'queue' }, highThroughput))).toEqual({
      code: 'InvalidAttributeValue',
      message: THROUGHPUT_MESSAGE,
    });
    expect(
      validateSetAttributes({ DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' }, highThroughput),
    ).toEqual({ DeduplicationScope: 'queue', FifoThroughputLimit: 'perQueue' });
  });
});

describe('SetQueueAttributes on a Standard queue', () => {
  const standard = attributesForNewQueue(validateCreateAttributes({}));

  it.each(['true', 'false'])('answers FifoQueue=%s with Unknown Attribute', (value) => {
    expect(errorOf(() => validateSetAttributes({ FifoQueue: value }, standard))).toEqual({
      code: 'InvalidAttributeName',
      message: 'Unknown Attribute FifoQueue.',
    });
  });

  it('refuses the FIFO-only settings', () => {
    expect(errorOf(() => validateSetAttributes({ DeduplicationScope: 'queue' }, standard))?.message).toBe(
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    );
  });
});

describe('resolveRequestedAttributes', () => {
  const standard = attributesForNewQueue(validateCreateAttributes({}));

  it('expands All with the FIFO attributes after the Standard ones on a FIFO queue', () => {
    const names = [...resolveRequestedAttributes(['All'], newFifoQueue())];

    expect(names.slice(-4)).toEqual([
      'FifoQueue',
      'ContentBasedDeduplication',
      'DeduplicationScope',
      'FifoThroughputLimit',
    ]);
    expect(names).toContain('VisibilityTimeout');
  });

  it('answers FIFO names asked for by name on a FIFO queue', () => {
    expect([...resolveRequestedAttributes(['DeduplicationScope', 'FifoQueue'], newFifoQueue())]).toEqual([
      'DeduplicationScope',
      'FifoQueue',
    ]);
  });

  it('leaves the FIFO attributes out of All on a Standard queue', () => {
    const names = [...resolveRequestedAttributes(['All'], standard)];

    expect(names.filter((name) => /Fifo|Dedup/.test(name))).toEqual([]);
  });

  it.each(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'])(
    'answers %s on a Standard queue with Unknown Attribute',
    (name) => {
      expect(errorOf(() => resolveRequestedAttributes([name], standard))).toEqual({
        code: 'InvalidAttributeName',
        message: `Unknown Attribute ${name}.`,
      });
    },
  );
});

import { describe, expect, it } from 'vitest';
import { SqsError } from '../../lambda/engine/errors.js';
import {
  checkDeadLetterTarget,
  type DeadLetterTargetCheck,
  deadLetterTargetOf,
  normaliseRedriveAllowPolicy,
  normaliseRedrivePolicy,
  queueArnOf,
  queueNameOfArn,
  redriveAllowPolicyAllows,
} from '../../lambda/engine/redrive-policy.js';
import type { StringMap } from '../../lambda/engine/types.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`;
const SOURCE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:source`;

function errorOf(action: () => unknown): { code: string; message: string } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof SqsError) return { code: error.code, message: error.message };
    throw error;
  }
}

async function asyncErrorOf(
  action: () => Promise<unknown>,
): Promise<{ code: string; message: string } | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    if (error instanceof SqsError) return { code: error.code, message: error.message };
    throw error;
  }
}

function invalidRedrivePolicy(value: string, reason: string) {
  return {
    code: 'InvalidParameterValue',
    message: `Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
  };
}

describe('normaliseRedrivePolicy', () => {
  it('returns the policy in the form GetQueueAttributes answers, the count as a number', () => {
    const sent = `{ "maxReceiveCount": "5", "deadLetterTargetArn": "${DLQ_ARN}" }`;

    expect(normaliseRedrivePolicy(sent)).toBe(`{"deadLetterTargetArn":"${DLQ_ARN}","maxReceiveCount":5}`);
  });

  it('normalises equal policies to the same text, so a repeated CreateQueue matches', () => {
    const asNumber = JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 10 });
    const asString = JSON.stringify({ maxReceiveCount: '10', deadLetterTargetArn: DLQ_ARN });

    expect(normaliseRedrivePolicy(asNumber)).toBe(normaliseRedrivePolicy(asString));
  });

  it('keeps an empty value, which removes the policy', () => {
    expect(normaliseRedrivePolicy('')).toBe('');
  });

  it.each(['1', '1000'])('accepts maxReceiveCount %s', (count) => {
    const sent = JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: Number(count) });

    expect(JSON.parse(normaliseRedrivePolicy(sent)).maxReceiveCount).toBe(Number(count));
  });

  it.each([' ', 'not json', '[]', '4', 'null', '"text"'])('rejects %j as not a JSON map', (value) => {
    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual({
      code: 'InvalidParameterValue',
      message:
        'Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.',
    });
  });

  it.each([
    ['{}', 'maxReceiveCount'],
    [JSON.stringify({ deadLetterTargetArn: DLQ_ARN }), 'maxReceiveCount'],
    [JSON.stringify({ maxReceiveCount: 5 }), 'deadLetterTargetArn'],
  ])('rejects %s without %s', (value, missing) => {
    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual(
      invalidRedrivePolicy(value, `Redrive policy does not contain mandatory attribute: ${missing}.`),
    );
  });

  it.each([
    [0, '0'],
    [1001, '1001'],
    [-36, '-36'],
    [2.5, '2.5'],
    ['abc', 'abc'],
    [true, 'true'],
  ])('rejects maxReceiveCount %j', (count, shown) => {
    const value = JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: count });

    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual(
      invalidRedrivePolicy(
        value,
        `Invalid value for maxReceiveCount: ${shown}, valid values are from 1 to 1000 both inclusive.`,
      ),
    );
  });

  it('rejects a target that is not an ARN, quoting the value as sent (recorded against AWS)', () => {
    const value = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';

    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual(
      invalidRedrivePolicy(value, 'Invalid value for deadLetterTargetArn.'),
    );
  });

  it('rejects the ARN of another service', () => {
    const value = JSON.stringify({
      deadLetterTargetArn: `arn:aws:sns:${REGION}:${ACCOUNT}:topic`,
      maxReceiveCount: 5,
    });

    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual(
      invalidRedrivePolicy(value, 'Only SQS queues are valid resources for deadLetterTargetArn.'),
    );
  });

  it('rejects attributes besides the two it knows', () => {
    const value = JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5, extra: 'x' });

    expect(errorOf(() => normaliseRedrivePolicy(value))).toEqual(
      invalidRedrivePolicy(
        value,
        'Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].',
      ),
    );
  });
});

describe('normaliseRedriveAllowPolicy', () => {
  const UNSUPPORTED_FORMAT = {
    code: 'InvalidParameterValue',
    message:
      "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.",
  };

  function cannotCreate(value: string, reason: string) {
    return {
      code: 'InvalidParameterValue',
      message: `Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. ${reason}`,
    };
  }

  it.each(['allowAll', 'denyAll'])('normalises %s', (permission) => {
    expect(normaliseRedriveAllowPolicy(`{ "redrivePermission" : "${permission}" }`)).toBe(
      `{"redrivePermission":"${permission}"}`,
    );
  });

  it('normalises byQueue with its source queue ARNs', () => {
    expect(
      normaliseRedriveAllowPolicy(`{"sourceQueueArns": ["${SOURCE_ARN}"], "redrivePermission": "byQueue"}`),
    ).toBe(`{"redrivePermission":"byQueue","sourceQueueArns":["${SOURCE_ARN}"]}`);
  });

  it('keeps an empty value, which removes the policy', () => {
    expect(normaliseRedriveAllowPolicy('')).toBe('');
  });

  it.each([
    'badjson',
    '[]',
    '{}',
    JSON.stringify({ redrivePermission: 'dummy' }),
    JSON.stringify({ redrivePermission: 'allowAll', dummy: 'value' }),
    JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: SOURCE_ARN }),
    JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [{ arn: SOURCE_ARN }] }),
  ])('rejects %s as an unsupported format', (value) => {
    expect(errorOf(() => normaliseRedriveAllowPolicy(value))).toEqual(UNSUPPORTED_FORMAT);
  });

  it.each([
    JSON.stringify({ redrivePermission: 'byQueue' }),
    JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [] }),
  ])('rejects byQueue without source queue ARNs: %s', (value) => {
    expect(errorOf(() => normaliseRedriveAllowPolicy(value))).toEqual(
      cannotCreate(
        value,
        'When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.',
      ),
    );
  });

  it('rejects more than 10 source queue ARNs', () => {
    const arns = Array.from({ length: 11 }, (_, i) => `${SOURCE_ARN}${i}`);
    const value = JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: arns });

    expect(errorOf(() => normaliseRedriveAllowPolicy(value))).toEqual(
      cannotCreate(value, 'The maximum number of source queue ARNs you can specify is 10.'),
    );
  });

  it('accepts exactly 10 source queue ARNs', () => {
    const arns = Array.from({ length: 10 }, (_, i) => `${SOURCE_ARN}${i}`);

    expect(
      JSON.parse(
        normaliseRedriveAllowPolicy(JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: arns })),
      ).sourceQueueArns,
    ).toEqual(arns);
  });

  it.each(['allowAll', 'denyAll'])('rejects source queue ARNs with %s', (permission) => {
    const value = JSON.stringify({ redrivePermission: permission, sourceQueueArns: [SOURCE_ARN] });

    expect(errorOf(() => normaliseRedriveAllowPolicy(value))).toEqual(
      cannotCreate(
        value,
        'To specify one or more source queue ARNs, you must set redrivePermission to byQueue.',
      ),
    );
  });
});

describe('redriveAllowPolicyAllows', () => {
  it('allows every source when the queue has no RedriveAllowPolicy', () => {
    expect(redriveAllowPolicyAllows({}, SOURCE_ARN)).toBe(true);
    expect(redriveAllowPolicyAllows({ RedriveAllowPolicy: '' }, SOURCE_ARN)).toBe(true);
  });

  it.each([
    ['allowAll', undefined, true],
    ['denyAll', undefined, false],
    ['byQueue', [SOURCE_ARN], true],
    ['byQueue', [`${SOURCE_ARN}-other`], false],
  ])('answers %s %j with %s', (redrivePermission, sourceQueueArns, allowed) => {
    const attributes = { RedriveAllowPolicy: JSON.stringify({ redrivePermission, sourceQueueArns }) };

    expect(redriveAllowPolicyAllows(attributes, SOURCE_ARN)).toBe(allowed);
  });
});

describe('deadLetterTargetOf', () => {
  it('reads the queue name and count of a stored policy', () => {
    const attributes = {
      RedrivePolicy: normaliseRedrivePolicy(
        JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: '3' }),
      ),
    };

    expect(deadLetterTargetOf(attributes)).toEqual({ queueName: 'dlq', maxReceiveCount: 3 });
  });

  it.each<StringMap>([{}, { RedrivePolicy: '' }])(
    'is undefined for a queue without a policy: %j',
    (attributes) => {
      expect(deadLetterTargetOf(attributes)).toBeUndefined();
    },
  );
});

describe('queueNameOfArn', () => {
  it("names this service's queue", () => {
    expect(queueNameOfArn(queueArnOf('orders.fifo', ACCOUNT, REGION), ACCOUNT, REGION)).toBe('orders.fifo');
  });

  it.each([
    ['another account', `arn:aws:sqs:${REGION}:999999999999:dlq`],
    ['another region', `arn:aws:sqs:eu-west-1:${ACCOUNT}:dlq`],
    ['another service', `arn:aws:sns:${REGION}:${ACCOUNT}:dlq`],
    ['another partition', `arn:aws-cn:sqs:${REGION}:${ACCOUNT}:dlq`],
    ['no queue name', `arn:aws:sqs:${REGION}:${ACCOUNT}:`],
    ['not an ARN', 'dlq'],
  ])('is undefined for %s', (_, arn) => {
    expect(queueNameOfArn(arn, ACCOUNT, REGION)).toBeUndefined();
  });
});

describe('checkDeadLetterTarget', () => {
  function check(
    policy: Record<string, unknown>,
    queues: Readonly<Record<string, StringMap>>,
    overrides: Partial<DeadLetterTargetCheck> = {},
  ) {
    const requested = JSON.stringify(policy);
    return asyncErrorOf(() =>
      checkDeadLetterTarget({
        requested,
        normalised: normaliseRedrivePolicy(requested),
        sourceQueueName: 'source',
        sourceIsFifo: false,
        accountId: ACCOUNT,
        region: REGION,
        findQueue: async (name) => queues[name],
        ...overrides,
      }),
    );
  }

  it('accepts an existing queue of the same type', async () => {
    expect(await check({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 }, { dlq: {} })).toBeUndefined();
  });

  it.each([
    [
      'another region',
      `arn:aws:sqs:eu-west-1:${ACCOUNT}:dlq`,
      'Dead-letter target must be in same region as the source.',
    ],
    [
      'another account',
      `arn:aws:sqs:${REGION}:999999999999:dlq`,
      'Dead-letter target owner should be same as the source.',
    ],
    [
      'a FIFO queue for a Standard source',
      `${DLQ_ARN}.fifo`,
      'Dead-letter queue must be same type of queue as the source..',
    ],
    ['a queue that does not exist', `${DLQ_ARN}-missing`, 'Dead letter target does not exist.'],
  ])('rejects %s', async (_, arn, reason) => {
    const policy = { deadLetterTargetArn: arn, maxReceiveCount: 3 };

    expect(await check(policy, { dlq: {}, 'dlq.fifo': {} })).toEqual(
      invalidRedrivePolicy(JSON.stringify(policy), reason),
    );
  });

  it('rejects a Standard queue for a FIFO source', async () => {
    const policy = { deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 };

    expect(await check(policy, { dlq: {} }, { sourceIsFifo: true, sourceQueueName: 'source.fifo' })).toEqual(
      invalidRedrivePolicy(
        JSON.stringify(policy),
        'Dead-letter queue must be same type of queue as the source..',
      ),
    );
  });

  it('rejects a target whose RedriveAllowPolicy does not name the source', async () => {
    const policy = { deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 };
    const dlq = {
      RedriveAllowPolicy: JSON.stringify({
        redrivePermission: 'byQueue',
        sourceQueueArns: [`${SOURCE_ARN}-other`],
      }),
    };

    expect(await check(policy, { dlq })).toEqual(
      invalidRedrivePolicy(
        JSON.stringify(policy),
        `The RedriveAllowPolicy of ${DLQ_ARN} does not allow ${SOURCE_ARN} to use it as a dead-letter queue.`,
      ),
    );
  });

  it('accepts a target whose RedriveAllowPolicy names the source', async () => {
    const dlq = {
      RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [SOURCE_ARN] }),
    };

    expect(await check({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 3 }, { dlq })).toBeUndefined();
  });
});

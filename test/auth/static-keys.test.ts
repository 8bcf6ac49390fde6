import { describe, expect, it } from 'vitest';
import { parseStaticKeys, StaticKeysError } from '../../lambda/auth/static-keys.js';

function problemsOf(json: unknown): readonly string[] {
  try {
    parseStaticKeys(json);
  } catch (error) {
    if (error instanceof StaticKeysError) return error.problems;
    throw error;
  }
  throw new Error('expected a StaticKeysError');
}

describe('parseStaticKeys (npm start --keys)', () => {
  it('reads keys with their policies; the name defaults to the key id', () => {
    const keys = parseStaticKeys({
      keys: [
        {
          accessKeyId: 'DEVADMIN',
          secretAccessKey: 'devsecret',
          policy: [{ actions: ['*'], queues: ['*'] }],
        },
        {
          accessKeyId: 'DEVWORKER',
          secretAccessKey: 'worker-secret',
          name: 'worker',
          policy: [{ actions: ['ReceiveMessage', 'DeleteMessage'], queues: ['orders'] }],
        },
      ],
    });

    expect(keys).toEqual([
      {
        accessKeyId: 'DEVADMIN',
        secretAccessKey: 'devsecret',
        name: 'DEVADMIN',
        policy: [{ actions: ['*'], queues: ['*'] }],
      },
      {
        accessKeyId: 'DEVWORKER',
        secretAccessKey: 'worker-secret',
        name: 'worker',
        policy: [{ actions: ['ReceiveMessage', 'DeleteMessage'], queues: ['orders'] }],
      },
    ]);
  });

  it('lists every problem with where it is', () => {
    const problems = problemsOf({
      keys: [
        { accessKeyId: 'A/B', secretAccessKey: '', policy: [{ actions: ['Nope'], queues: ['*'] }] },
        { accessKeyId: 'DUP', secretAccessKey: 's', policy: [{ actions: ['*'], queues: ['*'] }], extra: 1 },
        { accessKeyId: 'DUP', secretAccessKey: 's' },
      ],
      other: true,
    });

    expect(problems).toEqual([
      `unknown field 'other' (only "keys" is read)`,
      'keys[0].accessKeyId must be 1 to 128 letters, digits and _+=,.@- characters',
      'keys[0].secretAccessKey must be a non-empty string',
      expect.stringContaining("keys[0].policy[0]: action 'Nope' matches no SQS action"),
      "keys[1] has an unknown field 'extra'",
      "keys[2].accessKeyId 'DUP' appears twice",
      'keys[2].policy must be a non-empty array of { "actions": [...], "queues": [...] }',
    ]);
  });

  it('wants an object with a keys array', () => {
    expect(problemsOf([])).toEqual(['the file must be an object with a "keys" array']);
  });
});

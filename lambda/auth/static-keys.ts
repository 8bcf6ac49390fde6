import { isSignableAccessKeyId, keyNameProblem } from './access-key.js';
import type { StaticAccessKey } from './authenticator.js';
import { PolicyError, parsePolicy } from './policy.js';

/** A keys file that is not well formed; `problems` lists each mistake with where it is. */
export class StaticKeysError extends Error {
  override readonly name = 'StaticKeysError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/**
 * Reads a dev keys file (`npm start -- --auth --keys <file>`): plain-text keys for a laptop, never stored in the
 * table.
 *
 * ```json
 * { "keys": [{ "accessKeyId": "DEVKEY", "secretAccessKey": "devsecret", "name": "dev",
 *              "policy": [{ "actions": ["*"], "queues": ["*"] }] }] }
 * ```
 * `name` is optional (default: the access key id). Throws a {@link StaticKeysError} listing every problem.
 */
export function parseStaticKeys(json: unknown): StaticAccessKey[] {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) {
    throw new StaticKeysError(['the file must be an object with a "keys" array']);
  }
  const { keys, ...rest } = json as { keys: unknown[] };
  const problems = Object.keys(rest).map((name) => `unknown field '${name}' (only "keys" is read)`);
  const seen = new Set<string>();
  const parsed = keys.flatMap((entry, index): StaticAccessKey[] => {
    const at = `keys[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} must be an object with accessKeyId, secretAccessKey and policy`);
      return [];
    }
    const { accessKeyId, secretAccessKey, name, policy, ...unknown } = entry as Record<string, unknown>;
    for (const field of Object.keys(unknown)) problems.push(`${at} has an unknown field '${field}'`);
    if (typeof accessKeyId !== 'string' || !isSignableAccessKeyId(accessKeyId)) {
      problems.push(`${at}.accessKeyId must be 1 to 128 letters, digits and _+=,.@- characters`);
    } else if (seen.has(accessKeyId)) {
      problems.push(`${at}.accessKeyId '${accessKeyId}' appears twice`);
    } else {
      seen.add(accessKeyId);
    }
    if (typeof secretAccessKey !== 'string' || secretAccessKey === '') {
      problems.push(`${at}.secretAccessKey must be a non-empty string`);
    }
    const keyName = name === undefined ? accessKeyId : name;
    const nameProblem = typeof keyName === 'string' ? keyNameProblem(keyName) : 'the name must be a string';
    if (name !== undefined && nameProblem !== undefined) problems.push(`${at}.name: ${nameProblem}`);
    let statements: StaticAccessKey['policy'] = [];
    try {
      statements = parsePolicy(policy, `${at}.policy`);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(...error.problems);
    }
    return [
      {
        accessKeyId: String(accessKeyId),
        secretAccessKey: String(secretAccessKey),
        name: String(keyName),
        policy: statements,
      },
    ];
  });
  if (problems.length > 0) throw new StaticKeysError(problems);
  return parsed;
}

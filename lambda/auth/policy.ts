/**
 * What an access key may do: statements of actions on queue-name patterns. Actions are spelled as IAM spells
 * SQS's permissions (`SendMessage`, `sqs:SendMessage`, `Get*`, `*`); a batch action needs its single action's
 * permission, as in IAM (a SendMessageBatch is allowed by `SendMessage`).
 */

import { SNS_PREFIX, snsActionProblems } from './topic-policy.js';

/** One statement: every action it names is allowed on every queue whose name matches one of its patterns. */
export interface PolicyStatement {
  /** IAM action names without or with the `sqs:` prefix; `*`, or a trailing `*` (`List*`). */
  readonly actions: readonly string[];
  /** Queue-name patterns; `*` matches any run of characters (`orders-*`, `*-dlq`, `*`). */
  readonly queues: readonly string[];
}

/** A key's policy: the union of its statements. Nothing is allowed that no statement allows. */
export type AccessPolicy = readonly PolicyStatement[];

/** The SQS permissions of IAM's service authorization reference; each API action needs one of them. */
export const PERMISSIONS = [
  'AddPermission',
  'CancelMessageMoveTask',
  'ChangeMessageVisibility',
  'CreateQueue',
  'DeleteMessage',
  'DeleteQueue',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'ListMessageMoveTasks',
  'ListQueueTags',
  'ListQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'RemovePermission',
  'SendMessage',
  'SetQueueAttributes',
  'StartMessageMoveTask',
  'TagQueue',
  'UntagQueue',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Batch actions have no permission of their own. */
const BATCH_PERMISSIONS: Readonly<Record<string, Permission>> = {
  sendmessagebatch: 'SendMessage',
  deletemessagebatch: 'DeleteMessage',
  changemessagevisibilitybatch: 'ChangeMessageVisibility',
};

const BY_LOWER_CASE = new Map<string, Permission>(PERMISSIONS.map((name) => [name.toLowerCase(), name]));

/** The permission an SQS action needs; undefined for a name SQS does not have. */
export function permissionFor(action: string): Permission | undefined {
  const lower = action.toLowerCase();
  return BY_LOWER_CASE.get(lower) ?? BATCH_PERMISSIONS[lower];
}

/** A statement that allows everything: the policy of `--allow '*:*'`. */
export const FULL_ACCESS: AccessPolicy = [{ actions: ['*'], queues: ['*'] }];

const SQS_PREFIX = /^sqs:/i;
const ACTION_PATTERN = /^[A-Za-z]*\*?$/;
/** A queue name's characters (letters, digits, `-`, `_`, the `.` of `.fifo`) and `*`. */
const QUEUE_PATTERN = /^[A-Za-z0-9_.*-]{1,80}$/;

/** Whether `pattern` names `permission`: case-insensitive, as IAM compares action names. */
function matchesAction(pattern: string, permission: Permission): boolean {
  const bare = pattern.replace(SQS_PREFIX, '').toLowerCase();
  const name = permission.toLowerCase();
  return bare.endsWith('*') ? name.startsWith(bare.slice(0, -1)) : bare === name;
}

/** Whether `pattern` matches `queueName`: case-sensitive, as queue names (and IAM resource ARNs) are. */
function matchesQueue(pattern: string, queueName: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === queueName;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (queueName.length < first.length + last.length) return false;
  if (!queueName.startsWith(first) || !queueName.endsWith(last)) return false;
  let at = first.length;
  const end = queueName.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = queueName.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/**
 * Whether `policy` allows `permission` on `queueName`. A request whose queue cannot be read from it
 * (`queueName` undefined: a malformed QueueUrl, an unreadable TaskHandle) is allowed only by a `*` pattern,
 * so no answer depends on which queues exist.
 */
export function isAllowed(
  policy: AccessPolicy,
  permission: Permission,
  queueName: string | undefined,
): boolean {
  return policy.some(
    (statement) =>
      statement.actions.some((action) => matchesAction(action, permission)) &&
      statement.queues.some((pattern) =>
        queueName === undefined ? pattern === '*' : matchesQueue(pattern, queueName),
      ),
  );
}

/**
 * ListQueues is allowed by any statement naming it, whatever its queues; it then lists only the queues those
 * statements' patterns match: `'all'` for a `*` pattern, else a predicate. Undefined when no statement names
 * ListQueues.
 */
export function listableQueues(policy: AccessPolicy): 'all' | ((queueName: string) => boolean) | undefined {
  const patterns = policy
    .filter((statement) => statement.actions.some((action) => matchesAction(action, 'ListQueues')))
    .flatMap((statement) => statement.queues);
  if (patterns.length === 0) return undefined;
  if (patterns.includes('*')) return 'all';
  return (queueName) => patterns.some((pattern) => matchesQueue(pattern, queueName));
}

/**
 * The web console's permissions (docs/console-api.md): `console:Read` for every read of its API, `console:Write`
 * for every change. They are not SQS actions: only `*`, or a pattern with the `console:` prefix, grants them.
 */
export const CONSOLE_PERMISSIONS = ['console:Read', 'console:Write'] as const;

export type ConsolePermission = (typeof CONSOLE_PERMISSIONS)[number];

const CONSOLE_PREFIX = /^console:/i;
const CONSOLE_ACTION_PATTERN = /^console:[A-Za-z]*\*?$/i;

/** Whether `pattern` names the console permission: `*`, or `console:` and the name or a prefix with `*`. */
function matchesConsoleAction(pattern: string, permission: ConsolePermission): boolean {
  if (pattern === '*') return true;
  if (!CONSOLE_PREFIX.test(pattern)) return false;
  const lower = pattern.toLowerCase();
  const name = permission.toLowerCase();
  return lower.endsWith('*') ? name.startsWith(lower.slice(0, -1)) : lower === name;
}

function consoleActionProblems(action: string): string[] {
  if (!CONSOLE_ACTION_PATTERN.test(action)) {
    return [
      `action '${action}' must be a console permission (${CONSOLE_PERMISSIONS.join(', ')}) or 'console:*'`,
    ];
  }
  if (!CONSOLE_PERMISSIONS.some((permission) => matchesConsoleAction(action, permission))) {
    return [`action '${action}' matches no console permission (they are: ${CONSOLE_PERMISSIONS.join(', ')})`];
  }
  return [];
}

/**
 * The queues on which `policy` grants a console permission: `'all'` for a `*` pattern, else a predicate; undefined
 * when no statement grants it. A console request about one queue is allowed when the predicate holds for its name.
 */
export function consoleQueues(
  policy: AccessPolicy,
  permission: ConsolePermission,
): 'all' | ((queueName: string) => boolean) | undefined {
  const patterns = policy
    .filter((statement) => statement.actions.some((action) => matchesConsoleAction(action, permission)))
    .flatMap((statement) => statement.queues);
  if (patterns.length === 0) return undefined;
  if (patterns.includes('*')) return 'all';
  return (queueName) => patterns.some((pattern) => matchesQueue(pattern, queueName));
}

/** A policy that is not well formed; `problems` lists each mistake. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** The problems of one action pattern: unknown names and batch actions (which IAM does not have) are refused. */
function actionProblems(action: string): string[] {
  if (CONSOLE_PREFIX.test(action)) return consoleActionProblems(action);
  // SNS permissions on topic-name patterns (topic-policy.ts): `sns:Publish:orders-*`.
  if (SNS_PREFIX.test(action)) return snsActionProblems(action);
  const bare = action.replace(SQS_PREFIX, '');
  if (!ACTION_PATTERN.test(bare) || bare === '') {
    return [`action '${action}' must be an SQS action name, optionally with 'sqs:' and a trailing '*'`];
  }
  const batch = BATCH_PERMISSIONS[bare.toLowerCase()];
  if (batch !== undefined) {
    return [`action '${action}' is not a permission: ${bare} is allowed by '${batch}'`];
  }
  if (!PERMISSIONS.some((permission) => matchesAction(bare, permission))) {
    return [`action '${action}' matches no SQS action (they are: ${PERMISSIONS.join(', ')})`];
  }
  return [];
}

function queueProblems(queue: string): string[] {
  return QUEUE_PATTERN.test(queue)
    ? []
    : [
        `queue pattern '${queue}' must be 1 to 80 letters, digits, '-', '_', '.' and '*' (a queue name or a pattern like 'orders-*')`,
      ];
}

/**
 * Checks a policy as JSON gives it (from the table or a keys file): a non-empty array of statements, each
 * with non-empty `actions` and `queues` string arrays. Throws a {@link PolicyError} listing every problem.
 */
export function parsePolicy(value: unknown, where = 'policy'): AccessPolicy {
  const problems: string[] = [];
  if (!Array.isArray(value) || value.length === 0) {
    throw new PolicyError([`${where} must be a non-empty array of { "actions": [...], "queues": [...] }`]);
  }
  const statements = value.map((item, index): PolicyStatement => {
    const at = `${where}[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at} must be an object { "actions": [...], "queues": [...] }`);
      return { actions: [], queues: [] };
    }
    const { actions, queues, ...rest } = item as Record<string, unknown>;
    for (const name of Object.keys(rest)) problems.push(`${at} has an unknown field '${name}'`);
    const actionList = stringList(actions, `${at}.actions`, problems);
    const queueList = stringList(queues, `${at}.queues`, problems);
    for (const action of actionList) problems.push(...actionProblems(action).map((p) => `${at}: ${p}`));
    for (const queue of queueList) problems.push(...queueProblems(queue).map((p) => `${at}: ${p}`));
    return { actions: actionList, queues: queueList };
  });
  if (problems.length > 0) throw new PolicyError(problems);
  return statements;
}

function stringList(value: unknown, where: string, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    problems.push(`${where} must be a non-empty array of strings`);
    return [];
  }
  return value as string[];
}

/**
 * Reads the CLI's `--allow '<actions>:<queue patterns>'`, both comma-separated: `SendMessage,ReceiveMessage:orders-*`,
 * `sqs:Get*:*`, `*:*`. The queue patterns follow the last `:`, since an action may carry `sqs:`.
 */
export function parseAllow(text: string): PolicyStatement {
  const colon = text.lastIndexOf(':');
  if (colon === -1) {
    throw new PolicyError([
      `--allow '${text}' must be '<actions>:<queue patterns>', e.g. 'SendMessage,ReceiveMessage:orders-*' or '*:*'`,
    ]);
  }
  const split = (list: string) =>
    list
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  const actions = split(text.slice(0, colon));
  const queues = split(text.slice(colon + 1));
  const problems: string[] = [];
  if (actions.length === 0) problems.push(`--allow '${text}' names no action before the last ':'`);
  if (queues.length === 0) problems.push(`--allow '${text}' names no queue pattern after the last ':'`);
  for (const action of actions)
    problems.push(...actionProblems(action).map((p) => `--allow '${text}': ${p}`));
  for (const queue of queues) problems.push(...queueProblems(queue).map((p) => `--allow '${text}': ${p}`));
  if (problems.length > 0) throw new PolicyError(problems);
  return { actions, queues };
}

/** A statement as the CLI shows it: `SendMessage,ReceiveMessage:orders-*`. */
export function formatStatement(statement: PolicyStatement): string {
  return `${statement.actions.join(',')}:${statement.queues.join(',')}`;
}

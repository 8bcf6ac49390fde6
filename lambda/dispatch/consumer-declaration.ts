import { type ConsumerSettings, validateConsumerSettings } from '../consumers/settings.js';

/** The custom resource type of a `QueueEventSource`'s registration. */
export const CONSUMER_RESOURCE_TYPE = 'Custom::SqsConsumer';

/**
 * How long before the dispatcher's timeout it starts no batch whose function timeout would not fit: enough to
 * delete the last batch's records and write its slot's release. Here, not in the dispatcher's entry, so that
 * `QueueEventSource` can check function timeouts against it without loading the entry into a CDK app.
 */
export const DISPATCH_MARGIN_MS = 10_000;

/**
 * A consumer as `QueueEventSource` declares it to its custom resource (`ResourceProperties.Consumer`, JSON):
 * Lambda's event source mapping settings, with the function and, when the stack knows it, its timeout.
 */
export interface ConsumerDeclaration {
  readonly queueName: string;
  readonly functionArn: string;
  readonly batchSize?: number;
  readonly maxBatchingWindowMs?: number;
  readonly reportBatchItemFailures?: boolean;
  readonly maxConcurrency?: number;
  /** Pattern strings, as `FilterCriteria.filter()` writes them. */
  readonly filters?: readonly string[];
  readonly enabled?: boolean;
  /** The function's timeout. @default - Lambda's default, 3 s */
  readonly timeoutMs?: number;
}

/** A declaration that breaks Lambda's rules for an SQS event source mapping, in the words of its errors. */
export class ConsumerDeclarationError extends Error {
  override readonly name = 'ConsumerDeclarationError';
}

/**
 * Checks a declaration against the queue it names, as CreateEventSourceMapping checks a mapping: Lambda's
 * ranges for the queue's type and valid filter patterns (`validateConsumerSettings`), and a queue visibility timeout no shorter than the
 * function's timeout.
 */
export function checkConsumerDeclaration(
  declaration: ConsumerDeclaration,
  queue: { readonly fifo: boolean; readonly visibilityTimeoutSeconds: number },
): ConsumerSettings {
  const checked = validateConsumerSettings(
    {
      queueName: declaration.queueName,
      ...pick(declaration, [
        'batchSize',
        'maxBatchingWindowMs',
        'reportBatchItemFailures',
        'maxConcurrency',
        'filters',
        'enabled',
        'timeoutMs',
      ]),
    },
    queue.fifo,
  );
  if ('issues' in checked) {
    throw new ConsumerDeclarationError(
      checked.issues.map((issue) => `${issue.setting}: ${issue.problem}`).join('; '),
    );
  }
  const timeoutSeconds = (declaration.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS) / 1000;
  if (queue.visibilityTimeoutSeconds < timeoutSeconds) {
    throw new ConsumerDeclarationError(
      visibilityTimeoutProblem(queue.visibilityTimeoutSeconds, timeoutSeconds),
    );
  }
  return { ...checked.settings, timeoutMs: declaration.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS };
}

/** CreateEventSourceMapping's InvalidParameterValueException, word for word. */
export function visibilityTimeoutProblem(
  visibilityTimeoutSeconds: number,
  functionTimeoutSeconds: number,
): string {
  return `Queue visibility timeout: ${visibilityTimeoutSeconds} seconds is less than Function timeout: ${functionTimeoutSeconds} seconds`;
}

/** Lambda's default function timeout. */
const DEFAULT_FUNCTION_TIMEOUT_MS = 3_000;

/** Reads `ResourceProperties.Consumer`; throws with what is wrong. */
export function parseConsumerDeclaration(text: unknown): ConsumerDeclaration {
  if (typeof text !== 'string') throw new ConsumerDeclarationError('Consumer must be a JSON string');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConsumerDeclarationError(`Consumer is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConsumerDeclarationError('Consumer must be a JSON object');
  }
  const value = json as Record<string, unknown>;
  for (const name of ['queueName', 'functionArn'] as const) {
    if (typeof value[name] !== 'string' || value[name] === '') {
      throw new ConsumerDeclarationError(`Consumer.${name} must be a non-empty string`);
    }
  }
  if (
    value.filters !== undefined &&
    (!Array.isArray(value.filters) || value.filters.some((f) => typeof f !== 'string'))
  ) {
    throw new ConsumerDeclarationError('Consumer.filters must be a list of pattern strings');
  }
  for (const name of ['batchSize', 'maxBatchingWindowMs', 'maxConcurrency', 'timeoutMs'] as const) {
    if (value[name] !== undefined && typeof value[name] !== 'number') {
      throw new ConsumerDeclarationError(`Consumer.${name} must be a number`);
    }
  }
  for (const name of ['reportBatchItemFailures', 'enabled'] as const) {
    if (value[name] !== undefined && typeof value[name] !== 'boolean') {
      throw new ConsumerDeclarationError(`Consumer.${name} must be true or false`);
    }
  }
  return value as unknown as ConsumerDeclaration;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

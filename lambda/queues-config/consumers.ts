import { type ConsumerSettingsInput, validateConsumerSettings } from '../consumers/settings.js';
import { isPlainObject } from './attribute-rules.js';
import { QueuesConfigError, type QueuesConfigIssue } from './schema.js';

const CONSUMER_FIELDS = [
  'queue',
  'handler',
  'batchSize',
  'maxBatchingWindowSeconds',
  'reportBatchItemFailures',
  'maxConcurrency',
  'filters',
  'enabled',
  'timeoutSeconds',
];
const HANDLER_ALLOWED =
  'a module path relative to this file, with an optional #export (default handler), like "./handlers/orders.ts#handler"';
/** Lambda's function timeout is whole seconds, 1 to 900. */
const MAX_TIMEOUT_SECONDS = 900;

/** A consumer as the queues file declares it: a queue, a handler module and Lambda's event source settings. */
export interface ConsumerDeclaration {
  /** Names the consumer in messages and logs: `consumers[0] (queue 'orders')`. */
  readonly label: string;
  /** The module as written, relative to the queues file. */
  readonly modulePath: string;
  /** The export that is the handler. */
  readonly exportName: string;
  /** The settings, checked; `timeoutMs` is always set (Lambda's default 3 s when the file gives none). */
  readonly settings: ConsumerSettingsInput & { readonly timeoutMs: number };
}

/**
 * Checks the `consumers` list of a queues file. Settings are checked with Lambda's ranges by the same
 * function the CDK construct uses; whether each queue exists is checked at startup, once queues are applied.
 * @throws QueuesConfigError naming each consumer and field that is wrong
 */
export function parseConsumers(json: unknown, defaultTimeoutSeconds: number): ConsumerDeclaration[] {
  if (json === undefined) return [];
  if (!Array.isArray(json)) {
    throw new QueuesConfigError([
      { field: 'consumers', problem: `must be an array of consumer declarations, got ${show(json)}` },
    ]);
  }
  const issues: QueuesConfigIssue[] = [];
  const consumers: ConsumerDeclaration[] = [];
  json.forEach((entry: unknown, index) => {
    const consumer = parseConsumer(entry, index, defaultTimeoutSeconds, issues);
    if (consumer) consumers.push(consumer);
  });
  if (issues.length > 0) throw new QueuesConfigError(issues);
  return consumers;
}

function parseConsumer(
  entry: unknown,
  index: number,
  defaultTimeoutSeconds: number,
  issues: QueuesConfigIssue[],
): ConsumerDeclaration | undefined {
  const position = `consumers[${index}]`;
  if (!isPlainObject(entry)) {
    issues.push({
      field: position,
      problem: `must be an object with a queue and a handler, got ${show(entry)}`,
    });
    return undefined;
  }
  const queueName = typeof entry.queue === 'string' && entry.queue !== '' ? entry.queue : undefined;
  const label = queueName === undefined ? position : `${position} (queue '${queueName}')`;
  const before = issues.length;
  const report = (field: string, problem: string) => issues.push({ queue: label, field, problem });

  if (queueName === undefined) report('queue', `is required: the name of a queue, got ${show(entry.queue)}`);
  for (const key of Object.keys(entry)) {
    if (!CONSUMER_FIELDS.includes(key))
      report(key, `is not a consumer field; allowed: ${CONSUMER_FIELDS.join(', ')}`);
  }
  const handler = parseHandler(entry.handler, report);
  const number = (field: string, value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    report(field, `must be a number, got ${show(value)}`);
    return Number.NaN;
  };
  const flag = (field: string, value: unknown): boolean | undefined => {
    if (value === undefined || typeof value === 'boolean') return value;
    report(field, `must be true or false, got ${show(value)}`);
    return undefined;
  };
  const batchSize = number('batchSize', entry.batchSize);
  const windowSeconds = number('maxBatchingWindowSeconds', entry.maxBatchingWindowSeconds);
  const maxConcurrency = number('maxConcurrency', entry.maxConcurrency);
  const timeoutSeconds = number('timeoutSeconds', entry.timeoutSeconds) ?? defaultTimeoutSeconds;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    if (!Number.isNaN(timeoutSeconds)) {
      report(
        'timeoutSeconds',
        `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, as a Lambda function's timeout, got ${show(entry.timeoutSeconds)}`,
      );
    }
  }
  const filters = entry.filters;
  if (filters !== undefined && !Array.isArray(filters))
    report('filters', `must be a list of filter patterns, got ${show(filters)}`);
  const settings: ConsumerSettingsInput & { timeoutMs: number } = {
    queueName: queueName ?? '',
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(windowSeconds === undefined ? {} : { maxBatchingWindowMs: Math.round(windowSeconds * 1000) }),
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    ...(Array.isArray(filters) ? { filters } : {}),
    ...optionalFlag(
      'reportBatchItemFailures',
      flag('reportBatchItemFailures', entry.reportBatchItemFailures),
    ),
    ...optionalFlag('enabled', flag('enabled', entry.enabled)),
    timeoutMs: timeoutSeconds * 1000,
  };
  if (queueName !== undefined && issues.length === before) {
    const result = validateConsumerSettings(settings, queueName.endsWith('.fifo'));
    if ('issues' in result) {
      for (const issue of result.issues) report(FIELD_OF_SETTING[issue.setting], issue.problem);
    }
  }
  if (issues.length > before || handler === undefined) return undefined;
  return { label, modulePath: handler.modulePath, exportName: handler.exportName, settings };
}

const FIELD_OF_SETTING = {
  batchSize: 'batchSize',
  maxBatchingWindow: 'maxBatchingWindowSeconds',
  maxConcurrency: 'maxConcurrency',
  filters: 'filters',
  timeout: 'timeoutSeconds',
  queue: 'queue',
} as const;

function optionalFlag<K extends string>(key: K, value: boolean | undefined): { [P in K]?: boolean } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: boolean };
}

function parseHandler(
  json: unknown,
  report: (field: string, problem: string) => void,
): { modulePath: string; exportName: string } | undefined {
  if (typeof json !== 'string' || json.trim() === '') {
    report(
      'handler',
      json === undefined
        ? `is required: ${HANDLER_ALLOWED}`
        : `must be ${HANDLER_ALLOWED}, got ${show(json)}`,
    );
    return undefined;
  }
  const hash = json.lastIndexOf('#');
  const modulePath = hash < 0 ? json : json.slice(0, hash);
  const exportName = hash < 0 ? 'handler' : json.slice(hash + 1);
  if (modulePath === '' || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    report('handler', `must be ${HANDLER_ALLOWED}, got ${show(json)}`);
    return undefined;
  }
  return { modulePath, exportName };
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

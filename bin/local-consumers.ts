/**
 * The consumers of `npm start -- --config`: their handler modules loaded before anything starts, their queues
 * checked once the queues are applied, then run by a LocalConsumerHost that the engine's activity wakes.
 */
import { dirname, resolve } from 'node:path';
import { HandlerLoadError, LocalFunction } from '../lambda/consumers/local-function.js';
import type { LocalConsumerHost, LocalConsumerSpec } from '../lambda/consumers/local-host.js';
import { type ConsumerSettings, validateConsumerSettings } from '../lambda/consumers/settings.js';
import { SqsError } from '../lambda/engine/errors.js';
import type { SqsEngine } from '../lambda/engine/types.js';
import type { ConsumerDeclaration } from '../lambda/queues-config/consumers.js';
import { StartupError } from './startup-error.js';

/** A declared consumer whose handler module loaded. */
export interface LoadedConsumer {
  readonly declaration: ConsumerDeclaration;
  readonly fn: LocalFunction;
}

/**
 * Imports every consumer's handler module (relative to the queues file) and checks its export, so a missing
 * module or export stops the start before DynamoDB Local runs.
 * @throws StartupError naming each consumer whose handler cannot be used
 */
export async function loadConsumerHandlers(
  configPath: string,
  declarations: readonly ConsumerDeclaration[],
  location: { region: string; accountId: string },
): Promise<LoadedConsumer[]> {
  const problems: string[] = [];
  const loaded: LoadedConsumer[] = [];
  for (const declaration of declarations) {
    const fn = new LocalFunction({
      modulePath: resolve(dirname(resolve(configPath)), declaration.modulePath),
      exportName: declaration.exportName,
      ...location,
    });
    try {
      await fn.load();
      loaded.push({ declaration, fn });
    } catch (error) {
      if (!(error instanceof HandlerLoadError)) throw error;
      problems.push(`${declaration.label}: handler ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new StartupError(
      `the queues config ${configPath} is invalid:\n${problems.map((line) => `  ${line}`).join('\n')}`,
    );
  }
  return loaded;
}

/**
 * Checks each consumer's queue as Lambda's CreateEventSourceMapping does (it exists; its visibility timeout is
 * not shorter than the function's timeout) and gives the consumers to the host, which starts them.
 * @throws StartupError naming each consumer whose queue cannot be consumed
 */
export async function startConsumers(
  host: LocalConsumerHost,
  engine: SqsEngine,
  configPath: string,
  consumers: readonly LoadedConsumer[],
): Promise<string[]> {
  const problems: string[] = [];
  const specs: LocalConsumerSpec[] = [];
  for (const { declaration, fn } of consumers) {
    const { settings: input, label } = declaration;
    let attributes: Readonly<Record<string, string>>;
    try {
      attributes = await engine.getQueueAttributes({
        queueName: input.queueName,
        attributeNames: ['VisibilityTimeout'],
      });
    } catch (error) {
      if (error instanceof SqsError && error.code === 'QueueDoesNotExist') {
        problems.push(
          `${label}: queue '${input.queueName}' does not exist; declare it under "queues" or create it first`,
        );
        continue;
      }
      throw error;
    }
    const visibilitySeconds = Number(attributes.VisibilityTimeout);
    const timeoutSeconds = input.timeoutMs / 1000;
    if (visibilitySeconds < timeoutSeconds) {
      // Lambda refuses such a mapping: the batch could come back while the function still runs.
      problems.push(
        `${label}: Queue visibility timeout: ${visibilitySeconds} seconds is less than Function timeout: ${timeoutSeconds} seconds`,
      );
      continue;
    }
    const validated = validateConsumerSettings(input, input.queueName.endsWith('.fifo'));
    if ('issues' in validated) {
      problems.push(...validated.issues.map((issue) => `${label}: ${issue.problem}`));
      continue;
    }
    specs.push({
      label: `${declaration.modulePath}#${declaration.exportName}`,
      settings: validated.settings,
      invoker: fn.invoker,
    });
  }
  if (problems.length > 0) {
    throw new StartupError(
      `the consumers of ${configPath} cannot start:\n${problems.map((line) => `  ${line}`).join('\n')}`,
    );
  }
  host.attach(engine, specs);
  return [
    `Consumers from ${configPath}:`,
    ...specs.map(
      (spec) => `  ${spec.settings.queueName}: ${spec.label} (${describeSettings(spec.settings)})`,
    ),
  ];
}

function describeSettings(settings: ConsumerSettings): string {
  return [
    `batch ${settings.batchSize}`,
    ...(settings.maxBatchingWindowMs > 0 ? [`window ${settings.maxBatchingWindowMs / 1000} s`] : []),
    `concurrency ${settings.maxConcurrency}`,
    `timeout ${(settings.timeoutMs ?? 0) / 1000} s`,
    ...(settings.reportBatchItemFailures ? ['reports batch item failures'] : []),
    ...(settings.filters.length > 0 ? [`${settings.filters.length} filters`] : []),
    ...(settings.enabled ? [] : ['disabled']),
  ].join(', ');
}

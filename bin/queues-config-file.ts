import { readFile } from 'node:fs/promises';
import { DEFAULT_TIMEOUT_SECONDS } from '../lambda/consumers/settings.js';
import type { SqsEngine } from '../lambda/engine/types.js';
import { applyQueues, describeOutcome, QueueApplyError } from '../lambda/queues-config/apply.js';
import { type ConsumerDeclaration, parseConsumers } from '../lambda/queues-config/consumers.js';
import { parseQueuesConfig } from '../lambda/queues-config/parse.js';
import { planQueues, type QueuePlan } from '../lambda/queues-config/plan.js';
import { QueuesConfigError, queueArn } from '../lambda/queues-config/schema.js';
import { parseTopics, type TopicDeclaration } from '../lambda/queues-config/topics.js';
import { applyTopics, describeTopicOutcome, TopicApplyError } from '../lambda/queues-config/topics-apply.js';
import type { TopicEngine } from '../lambda/topics/topic-engine.js';
import { StartupError } from './startup-error.js';

/** A queues config file, read and planned. */
export interface QueuesConfigFile {
  readonly path: string;
  readonly plan: QueuePlan;
  /** The file's `consumers`, checked; their handler modules are loaded by bin/local-consumers.ts. */
  readonly consumers: readonly ConsumerDeclaration[];
  /** The file's `topics` and their queue subscriptions, checked against its queues. */
  readonly topics: readonly TopicDeclaration[];
}

/**
 * Reads, checks and plans a queues config file before anything starts, so a bad file costs no JVM start
 * and changes no queue.
 * @throws StartupError naming the file and, for an invalid config, each queue and field that is wrong
 */
export async function readQueuesConfigFile(path: string): Promise<QueuesConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new StartupError(`cannot read the queues config ${path}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`the queues config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    const plan = planQueues(parseQueuesConfig(json));
    const consumers = parseConsumers((json as { consumers?: unknown }).consumers, DEFAULT_TIMEOUT_SECONDS);
    const queues = new Map(plan.queues.map((queue) => [queue.name, { fifo: queue.fifo }]));
    const topics = parseTopics((json as { topics?: unknown }).topics, queues);
    return { path, plan, consumers, topics };
  } catch (error) {
    if (error instanceof QueuesConfigError) throw invalidConfig(path, error);
    throw error;
  }
}

/**
 * Creates or updates the planned queues and returns the report: a heading and one line per queue.
 * @throws StartupError when a queue cannot be applied, naming it and what SQS answered
 */
export async function applyQueuesConfig(engine: SqsEngine, file: QueuesConfigFile): Promise<string[]> {
  const { path, plan } = file;
  try {
    const outcomes = await applyQueues(engine, plan);
    return [`Queues from ${path}:`, ...outcomes.map((outcome) => `  ${describeOutcome(outcome)}`)];
  } catch (error) {
    if (error instanceof QueuesConfigError) throw invalidConfig(path, error);
    if (error instanceof QueueApplyError) {
      throw new StartupError(`could not apply the queues config ${path}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Creates or updates the file's topics and subscriptions (after its queues, which they name) and returns the
 * report: a heading and one line per topic; nothing when the file declares no topics.
 * @throws StartupError when a topic or subscription cannot be applied, naming it and what SNS answered
 */
export async function applyTopicsConfig(
  topics: TopicEngine,
  sqs: Pick<SqsEngine, 'accountId' | 'region'>,
  file: QueuesConfigFile,
): Promise<string[]> {
  if (file.topics.length === 0) return [];
  try {
    const outcomes = await applyTopics(topics, file.topics, (name) => queueArn(sqs, name));
    return [`Topics from ${file.path}:`, ...outcomes.map((outcome) => `  ${describeTopicOutcome(outcome)}`)];
  } catch (error) {
    if (error instanceof TopicApplyError) {
      throw new StartupError(`could not apply the queues config ${file.path}: ${error.message}`);
    }
    throw error;
  }
}

function invalidConfig(path: string, error: QueuesConfigError): StartupError {
  const lines = error.message.split('\n').map((line) => `  ${line}`);
  return new StartupError(`the queues config ${path} is invalid:\n${lines.join('\n')}`);
}

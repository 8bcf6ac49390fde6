import { randomUUID } from 'node:crypto';
import type { QueueRecord, Store } from '../storage/store.js';
import { NO_ACTIVITY, type QueueActivity } from './activity.js';
import type { Clock } from './clock.js';
import { findDeadLetterSources } from './dead-letter-sources.js';
import { InvalidParameterValue, invalidParameter, QueueDoesNotExist, SqsError } from './errors.js';
import { checkField, checkOptionalField, isValidQueueName } from './field-rules.js';
import { guardStore } from './guarded-store.js';
import { MAX_LIST_QUEUES_RESULTS, MAX_TAGS_PER_QUEUE, msToSeconds, PURGE_INTERVAL_MS } from './limits.js';
import { MessageActions } from './message-actions.js';
import { MoveTasks } from './move-tasks.js';
import {
  attributesForNewQueue,
  COUNT_ATTRIBUTES,
  firstDifferingAttribute,
  isFifoQueue,
  resolveRequestedAttributes,
  validateCreateAttributes,
  validateQueueName,
  validateSetAttributes,
} from './queue-attributes.js';
import { QueueDirectory } from './queue-directory.js';
import type { ReceiptHandleCodec } from './receipt-handle.js';
import { checkDeadLetterTarget, queueArnOf } from './redrive-policy.js';
import type {
  CancelMessageMoveTaskInput,
  CreateQueueInput,
  GetQueueAttributesInput,
  GetQueueUrlInput,
  ListDeadLetterSourceQueuesInput,
  ListMessageMoveTasksInput,
  ListQueuesInput,
  ListQueuesResult,
  MessageMoveTask,
  QueueInput,
  SetQueueAttributesInput,
  SqsEngine,
  StartMessageMoveTaskInput,
  StringMap,
  TagQueueInput,
  UntagQueueInput,
} from './types.js';

export interface QueueEngineOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly receiptHandles: ReceiptHandleCodec;
  readonly accountId: string;
  readonly region: string;
  /** Partitions a new queue's messages are spread over. @default 4 */
  readonly shards?: number;
  /** How often a long poll re-reads the queue when no arrival in this process woke it. @default 500 */
  readonly pollIntervalMs?: number;
  /**
   * Called after a message move task starts or is cancelled, so a runner in this process acts at once.
   * @default - nothing is called; runners find the change at their next poll
   */
  readonly onMoveTaskChange?: () => void;
  /** Told what each message action did to which queue, for metrics. @default - nothing is told */
  readonly activity?: QueueActivity;
}

/** SQS semantics for Standard and FIFO queues: every action of `SqsEngine`, on any `Store`. */
export class QueueEngine extends MessageActions implements SqsEngine {
  readonly accountId: string;
  private readonly shards: number;
  private readonly moveTasks: MoveTasks;

  constructor(unguarded: QueueEngineOptions) {
    // No client string reaches storage unless it is well-formed Unicode (guarded-store.ts).
    const options = { ...unguarded, store: guardStore(unguarded.store) };
    const directory = new QueueDirectory(options.store, options.clock);
    super({
      ...options,
      directory,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      activity: options.activity ?? NO_ACTIVITY,
    });
    this.accountId = options.accountId;
    this.shards = options.shards ?? 4;
    this.moveTasks = new MoveTasks({
      store: options.store,
      clock: options.clock,
      accountId: options.accountId,
      region: options.region,
      ...(options.onMoveTaskChange ? { onChange: options.onMoveTaskChange } : {}),
    });
  }

  async createQueue(input: CreateQueueInput): Promise<{ queueName: string }> {
    validateQueueName(input.queueName, input.attributes);
    const requested = validateCreateAttributes(input.attributes ?? {});
    const tags = validateTags(input.tags ?? {}, 0);
    await this.checkRedrivePolicy(input.queueName, isFifoQueue(requested), input.attributes ?? {}, requested);
    const nowMs = this.clock.nowMs();
    const existing = await this.store.createQueue({
      name: input.queueName,
      id: randomUUID(),
      attributes: attributesForNewQueue(requested),
      tags,
      createdMs: nowMs,
      modifiedMs: nowMs,
      epoch: 0,
      shards: this.shards,
    });
    if (existing) {
      const differing = firstDifferingAttribute(existing.attributes, requested);
      if (differing) {
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute ${differing}`,
        );
      }
    }
    this.directory.forget(input.queueName);
    return { queueName: input.queueName };
  }

  async getQueueUrl(input: GetQueueUrlInput): Promise<{ queueName: string }> {
    if (input.queueOwnerAwsAccountId !== undefined && input.queueOwnerAwsAccountId !== this.accountId) {
      throw new QueueDoesNotExist();
    }
    const queue = await this.directory.get(input.queueName);
    return { queueName: queue.name };
  }

  async listQueues(input: ListQueuesInput): Promise<ListQueuesResult> {
    const { maxResults } = input;
    validateMaxResults(maxResults);
    checkOptionalField('queueNamePrefix', 'QueueNamePrefix', input.queueNamePrefix);
    const prefix = input.queueNamePrefix ?? '';
    const afterName = input.nextToken === undefined ? undefined : decodeNextToken(input.nextToken);
    // A token from another prefix's listing (found by the hostile-input fuzz): DynamoDB refuses a start key outside
    // the prefix's range, so one before the range starts at its beginning and one past it has nothing after it.
    if (afterName !== undefined && !afterName.startsWith(prefix) && afterName > prefix)
      return { queueNames: [] };
    const page = await this.store.listQueues({
      prefix,
      limit: maxResults ?? MAX_LIST_QUEUES_RESULTS,
      afterName: afterName?.startsWith(prefix) ? afterName : undefined,
    });
    // SQS gives a NextToken only to callers that asked for pages with MaxResults.
    const nextToken = maxResults !== undefined && page.lastName ? encodeNextToken(page.lastName) : undefined;
    return { queueNames: page.names, ...(nextToken ? { nextToken } : {}) };
  }

  async listDeadLetterSourceQueues(input: ListDeadLetterSourceQueuesInput): Promise<ListQueuesResult> {
    const queue = await this.directory.get(input.queueName);
    const { maxResults } = input;
    validateMaxResults(maxResults);
    const page = await findDeadLetterSources(this.store, queue.name, {
      limit: maxResults ?? MAX_LIST_QUEUES_RESULTS,
      afterName: input.nextToken === undefined ? undefined : decodeNextToken(input.nextToken),
    });
    const last = page.names[page.names.length - 1];
    // As for ListQueues: a NextToken only for callers that asked for pages with MaxResults.
    const nextToken = maxResults !== undefined && page.more && last ? encodeNextToken(last) : undefined;
    return { queueNames: page.names, ...(nextToken ? { nextToken } : {}) };
  }

  async deleteQueue(input: QueueInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    this.directory.forget(input.queueName);
    // The messages stay behind under the old queue id, unreachable, until DynamoDB's TTL removes them.
    if (!(await this.store.deleteQueue(queue))) throw new QueueDoesNotExist();
  }

  async getQueueAttributes(input: GetQueueAttributesInput): Promise<StringMap> {
    const queue = await this.directory.get(input.queueName);
    const wanted = resolveRequestedAttributes(input.attributeNames, queue.attributes);
    const nowMs = this.clock.nowMs();
    const all: Record<string, string> = {
      ...queue.attributes,
      CreatedTimestamp: String(msToSeconds(queue.createdMs)),
      LastModifiedTimestamp: String(msToSeconds(queue.modifiedMs)),
      QueueArn: this.queueArn(queue.name),
    };
    if (COUNT_ATTRIBUTES.some((name) => wanted.has(name))) {
      const counts = await this.store.countMessages(queue, nowMs, this.retentionMs(queue));
      all.ApproximateNumberOfMessages = String(counts.visible);
      all.ApproximateNumberOfMessagesNotVisible = String(counts.inflight);
      all.ApproximateNumberOfMessagesDelayed = String(counts.delayed);
    }
    const result: Record<string, string> = {};
    for (const name of wanted) {
      const value = all[name];
      if (value !== undefined && value !== '') result[name] = value;
    }
    return result;
  }

  async setQueueAttributes(input: SetQueueAttributesInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    const attributes = validateSetAttributes(input.attributes ?? {}, queue.attributes);
    await this.checkRedrivePolicy(
      queue.name,
      isFifoQueue(queue.attributes),
      input.attributes ?? {},
      attributes,
    );
    await this.updateQueue(queue, { attributes, modifiedMs: this.clock.nowMs() });
  }

  async purgeQueue(input: QueueInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    const nowMs = this.clock.nowMs();
    this.directory.forget(queue.name);
    if (!(await this.store.purgeQueue(queue, nowMs, PURGE_INTERVAL_MS))) {
      if (!(await this.store.getQueue(queue.name))) throw new QueueDoesNotExist();
      throw new SqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`,
      );
    }
  }

  async tagQueue(input: TagQueueInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    const requested = input.tags ?? {};
    const kept = Object.keys(queue.tags).filter((key) => !Object.hasOwn(requested, key)).length;
    const tags = validateTags(requested, kept);
    await this.updateQueue(queue, { tags });
  }

  async untagQueue(input: UntagQueueInput): Promise<void> {
    const queue = await this.directory.get(input.queueName);
    if (!Array.isArray(input.tagKeys) || input.tagKeys.length === 0) {
      throw new InvalidParameterValue('Tag keys must be between 1 and 128 characters in length.');
    }
    for (const key of input.tagKeys) checkField('tagKey', 'TagKeys', key);
    await this.updateQueue(queue, { removeTagKeys: input.tagKeys });
  }

  async listQueueTags(input: QueueInput): Promise<StringMap> {
    const queue = await this.directory.get(input.queueName);
    return { ...queue.tags };
  }

  startMessageMoveTask(input: StartMessageMoveTaskInput): Promise<{ taskHandle: string }> {
    return this.moveTasks.start(input);
  }

  listMessageMoveTasks(input: ListMessageMoveTasksInput): Promise<{ results: readonly MessageMoveTask[] }> {
    return this.moveTasks.list(input);
  }

  cancelMessageMoveTask(
    input: CancelMessageMoveTaskInput,
  ): Promise<{ approximateNumberOfMessagesMoved: number }> {
    return this.moveTasks.cancel(input);
  }

  private queueArn(queueName: string): string {
    return queueArnOf(queueName, this.accountId, this.region);
  }

  /** A RedrivePolicy being set must name an existing queue of the source's type that accepts the source. */
  private async checkRedrivePolicy(
    queueName: string,
    sourceIsFifo: boolean,
    sent: StringMap,
    valid: StringMap,
  ): Promise<void> {
    const normalised = valid.RedrivePolicy;
    if (!normalised) return;
    await checkDeadLetterTarget({
      requested: sent.RedrivePolicy ?? normalised,
      normalised,
      sourceQueueName: queueName,
      sourceIsFifo,
      accountId: this.accountId,
      region: this.region,
      // A fresh read: a RedriveAllowPolicy just changed through another instance counts.
      findQueue: async (name) => (await this.store.getQueue(name))?.attributes,
    });
  }

  private async updateQueue(queue: QueueRecord, change: Parameters<Store['updateQueue']>[1]): Promise<void> {
    this.directory.forget(queue.name);
    if (!(await this.store.updateQueue(queue, change))) throw new QueueDoesNotExist();
  }
}

/** Validates tags and returns them; `existingCount` is how many tags the queue keeps besides these. */
function validateTags(tags: StringMap, existingCount: number): Record<string, string> {
  const valid: Record<string, string> = Object.create(null);
  const entries = Object.entries(tags);
  if (existingCount + entries.length > MAX_TAGS_PER_QUEUE) {
    throw new InvalidParameterValue(
      `Too many tags added for queue. A queue can have at most ${MAX_TAGS_PER_QUEUE} tags.`,
    );
  }
  for (const [key, value] of entries) {
    valid[checkField('tagKey', 'Tags', key)] = checkField('tagValue', `Tags.${key}`, value);
  }
  return valid;
}

/** ListQueues and ListDeadLetterSourceQueues: MaxResults, when given, is 1 to 1,000. */
function validateMaxResults(maxResults: number | undefined): void {
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_LIST_QUEUES_RESULTS)
  ) {
    throw invalidParameter(
      'MaxResults',
      maxResults,
      `MaxResults must be an integer between 1 and ${MAX_LIST_QUEUES_RESULTS}.`,
    );
  }
}

function encodeNextToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64url');
}

/** A NextToken names the last queue of the previous page: only a name a queue could have is read on. */
function decodeNextToken(token: string): string {
  checkField('nextToken', 'NextToken', token);
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && isValidQueueName(parsed.after)) return parsed.after;
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidParameterValue('Invalid NextToken value.');
}

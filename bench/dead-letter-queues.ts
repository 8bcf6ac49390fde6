/**
 * Queue pairs for the dead-letter measurements (bench/dead-letter.ts): a source whose RedrivePolicy sends a
 * message to its dead-letter queue after one receive, and the SQS calls the measurements make on them.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sleep } from './stats.js';
import type { BodyFactory } from './workload.js';

export const QUEUE_KINDS = ['standard', 'fifo'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** A source queue and its dead-letter queue, of one kind. */
export interface DeadLetterPair {
  readonly kind: QueueKind;
  readonly sourceUrl: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/** Receives a message may get before the next receive moves it: the smallest RedrivePolicy allows. */
const MAX_RECEIVE_COUNT = 1;
/** FIFO messages a fill puts into one group. */
export const FILL_GROUP_SIZE = 10;
const FILL_TIMEOUT_MS = 120_000;

/**
 * Creates `${name}-dlq` and `${name}-src` (with `.fifo` for FIFO), the source with maxReceiveCount 1 and
 * VisibilityTimeout 0, so that a message received once moves on the next receive, with no wait in between.
 */
export async function createDeadLetterPair(
  client: SQSClient,
  name: string,
  kind: QueueKind,
): Promise<DeadLetterPair> {
  const suffix = kind === 'fifo' ? '.fifo' : '';
  const fifo: Record<string, string> = kind === 'fifo' ? { FifoQueue: 'true' } : {};
  const deadLetterUrl = await createQueueWith(client, `${name}-dlq${suffix}`, fifo);
  const deadLetterArn = await queueArn(client, deadLetterUrl);
  const sourceUrl = await createQueueWith(client, `${name}-src${suffix}`, {
    ...fifo,
    VisibilityTimeout: '0',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
  });
  return { kind, sourceUrl, deadLetterUrl, deadLetterArn };
}

/** Sends up to 10 bodies in one call; FIFO messages go to `groupId` with unique deduplication ids. */
export async function sendBatch(
  client: SQSClient,
  pair: DeadLetterPair,
  bodies: readonly string[],
  groupId = 'g0',
): Promise<void> {
  const out = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: pair.sourceUrl,
      Entries: bodies.map((MessageBody, i) => ({
        Id: String(i),
        MessageBody,
        ...(pair.kind === 'fifo'
          ? { MessageGroupId: groupId, MessageDeduplicationId: MessageBody.slice(0, 40) }
          : {}),
      })),
    }),
  );
  if (out.Failed?.length)
    throw new Error(`SendMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
}

/** One short-poll receive from `queueUrl` with VisibilityTimeout 0; the number of messages it returned. */
export async function receiveNow(client: SQSClient, queueUrl: string, maxMessages: number): Promise<number> {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: maxMessages,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
    }),
  );
  return out.Messages?.length ?? 0;
}

/** ApproximateNumberOfMessages plus ApproximateNumberOfMessagesNotVisible. */
export async function countMessages(client: SQSClient, queueUrl: string): Promise<number> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Puts `count` 1 KB messages into the dead-letter queue the way they get there in use: sent to the source,
 * received once, and moved by the next receive. FIFO messages go in groups of 10.
 */
export async function fillDeadLetterQueue(
  client: SQSClient,
  pair: DeadLetterPair,
  bodies: BodyFactory,
  count: number,
): Promise<void> {
  for (let sent = 0; sent < count; sent += FILL_GROUP_SIZE) {
    const n = Math.min(FILL_GROUP_SIZE, count - sent);
    await sendBatch(client, pair, bodies.next(n), `g${sent / FILL_GROUP_SIZE}`);
  }
  const deadline = Date.now() + FILL_TIMEOUT_MS;
  for (;;) {
    // A receive returns messages received fewer than maxReceiveCount times and moves the others.
    if ((await receiveNow(client, pair.sourceUrl, 10)) > 0 && Date.now() < deadline) continue;
    const [inSource, inDeadLetterQueue] = await Promise.all([
      countMessages(client, pair.sourceUrl),
      countMessages(client, pair.deadLetterUrl),
    ]);
    if (inSource === 0 && inDeadLetterQueue === count) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${pair.kind} dead-letter fill: ${inDeadLetterQueue} of ${count} messages in the dead-letter queue, ${inSource} left in the source after ${FILL_TIMEOUT_MS / 1000} s`,
      );
    }
    await sleep(20);
  }
}

async function createQueueWith(
  client: SQSClient,
  queueName: string,
  attributes: Record<string, string>,
): Promise<string> {
  const out = await client.send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }));
  if (!out.QueueUrl) throw new Error(`CreateQueue ${queueName} returned no QueueUrl`);
  return out.QueueUrl;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes ${queueUrl} returned no QueueArn`);
  return arn;
}

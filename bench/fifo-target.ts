import { randomBytes, randomInt } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { FifoChecker, type FifoDelivery, type HeldDelivery } from './fifo-checker.js';
import { type QueueTarget, type Received, VISIBILITY_TIMEOUT_SECONDS } from './workload.js';

/** Message groups of a FIFO run: each send call goes to one of them, at random. */
export const FIFO_GROUPS = 64;

export interface FifoReceived extends Received, HeldDelivery {
  readonly receiptHandle: string;
}

/** Creates `${name}.fifo` with FifoQueue=true; senders give explicit deduplication ids. */
export async function createFifoQueue(client: SQSClient, name: string): Promise<string> {
  const out = await client.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  if (!out.QueueUrl) throw new Error(`CreateQueue ${name}.fifo returned no QueueUrl`);
  return out.QueueUrl;
}

/**
 * The full API on a FIFO queue: each send call puts its B messages into one random group of
 * {@link FIFO_GROUPS} (SendMessage for B = 1, else SendMessageBatch), each with a unique deduplication id;
 * receives ask for B messages with their group and sequence number; deletes use DeleteMessageBatch for B > 1.
 * Every send, receive and delete is reported to `checker`.
 */
export class FifoSqsTarget implements QueueTarget<FifoReceived> {
  readonly checker = new FifoChecker();
  private readonly deduplicationPrefix = randomBytes(6).toString('hex');
  private sent = 0;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly batchSize: number,
    private readonly chooseGroup: () => string = () => `g${randomInt(FIFO_GROUPS)}`,
  ) {}

  async send(bodies: readonly string[], producer = 0): Promise<void> {
    const MessageGroupId = this.chooseGroup();
    const entries = bodies.map((MessageBody) => ({
      MessageBody,
      MessageGroupId,
      MessageDeduplicationId: `${this.deduplicationPrefix}-${++this.sent}`,
    }));
    const [first] = entries;
    if (this.batchSize === 1 && first && entries.length === 1) {
      const out = await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, ...first }));
      this.checker.sentBy(producer, [sentMessage(MessageGroupId, out.MessageId, out.SequenceNumber)]);
      return;
    }
    const out = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((entry, i) => ({ Id: String(i), ...entry })),
      }),
    );
    if (out.Failed?.length)
      throw new Error(`SendMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
    const byId = new Map((out.Successful ?? []).map((s) => [s.Id, s]));
    this.checker.sentBy(
      producer,
      entries.map((_, i) => {
        const s = byId.get(String(i));
        return sentMessage(MessageGroupId, s?.MessageId, s?.SequenceNumber);
      }),
    );
  }

  async receive(maxMessages: number): Promise<FifoReceived[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: maxMessages,
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['MessageGroupId', 'SequenceNumber'],
      }),
    );
    return this.checker.received((out.Messages ?? []).map(receivedMessage));
  }

  async delete(messages: readonly FifoReceived[]): Promise<void> {
    this.checker.deleteSent(messages);
    if (this.batchSize === 1 && messages.length === 1) {
      const [only] = messages as [FifoReceived];
      await this.client.send(
        new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: only.receiptHandle }),
      );
    } else {
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
        }),
      );
      if (out.Failed?.length)
        throw new Error(`DeleteMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
    }
    this.checker.deleted(messages);
  }
}

function sentMessage(
  groupId: string,
  messageId: string | undefined,
  sequenceNumber: string | undefined,
): FifoDelivery {
  if (!messageId || !sequenceNumber || !/^\d+$/.test(sequenceNumber))
    throw new Error(`a FIFO send returned message id ${messageId} and sequence number ${sequenceNumber}`);
  return { messageId, groupId, sequenceNumber };
}

function receivedMessage(m: Message): FifoDelivery & { readonly receiptHandle: string } {
  const groupId = m.Attributes?.MessageGroupId;
  const sequenceNumber = m.Attributes?.SequenceNumber;
  if (!m.MessageId || !m.ReceiptHandle || !groupId || !sequenceNumber || !/^\d+$/.test(sequenceNumber)) {
    throw new Error(
      `a FIFO receive returned message ${m.MessageId} without handle, group or sequence number`,
    );
  }
  return { messageId: m.MessageId, receiptHandle: m.ReceiptHandle, groupId, sequenceNumber };
}

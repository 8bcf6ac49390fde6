import { Agent } from 'node:http';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DUMMY_CREDENTIALS, REGION } from './dynamo-local.js';
import { type QueueTarget, type Received, VISIBILITY_TIMEOUT_SECONDS } from './workload.js';

export interface SqsReceived extends Received {
  readonly receiptHandle: string;
}

/**
 * The SQS client every run shares: AWS JSON 1.0 over one keep-alive agent, and one attempt per call, so a
 * failure is counted instead of being retried away.
 */
export function createSqsClient(endpoint: string): { client: SQSClient; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new SQSClient({
    endpoint,
    region: REGION,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: agent },
  });
  return {
    client,
    close: () => {
      client.destroy();
      agent.destroy();
    },
  };
}

export async function createQueue(client: SQSClient, queueName: string): Promise<string> {
  const out = await client.send(new CreateQueueCommand({ QueueName: queueName }));
  if (!out.QueueUrl) throw new Error(`CreateQueue ${queueName} returned no QueueUrl`);
  return out.QueueUrl;
}

/** The full API: SendMessage(Batch), ReceiveMessage (short poll), DeleteMessage(Batch). */
export class SqsTarget implements QueueTarget<SqsReceived> {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly batchSize: number,
  ) {}

  async send(bodies: readonly string[]): Promise<void> {
    if (this.batchSize === 1 && bodies.length === 1) {
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: bodies[0] }));
      return;
    }
    const out = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
    if (out.Failed?.length)
      throw new Error(`SendMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
  }

  async receive(maxMessages: number): Promise<SqsReceived[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: maxMessages,
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds: 0,
      }),
    );
    return (out.Messages ?? []).map((m) => {
      if (!m.MessageId || !m.ReceiptHandle)
        throw new Error('ReceiveMessage returned a message without id or handle');
      return { messageId: m.MessageId, receiptHandle: m.ReceiptHandle };
    });
  }

  async delete(messages: readonly SqsReceived[]): Promise<void> {
    if (this.batchSize === 1 && messages.length === 1) {
      const [only] = messages as [SqsReceived];
      await this.client.send(
        new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: only.receiptHandle }),
      );
      return;
    }
    const out = await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
      }),
    );
    if (out.Failed?.length)
      throw new Error(`DeleteMessageBatch: ${out.Failed.length} entries failed (${out.Failed[0]?.Code})`);
  }
}

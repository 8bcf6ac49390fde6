import { MAX_RECEIVE_MESSAGES, secondsToMs } from '../engine/limits.js';
import type { SqsEngine } from '../engine/types.js';
import type { ConsumerSettings } from './settings.js';
import { MAX_EVENT_BYTES } from './settings.js';
import { recordBytes, type SqsRecord, toSqsRecord } from './sqs-event.js';

/** What a consumer needs to know of its queue; read once per poll cycle. */
export interface QueueFacts {
  readonly fifo: boolean;
  readonly visibilityTimeoutMs: number;
}

/** A batch of records, and for each how long this dispatcher surely holds it. */
export interface ReceivedBatch {
  readonly records: SqsRecord[];
  /**
   * Per message id, the earliest its visibility timeout can end (the receive's start plus the timeout):
   * before this nobody else can hold it; after it a delete with its receipt might race another receiver.
   */
  readonly heldUntilMs: Map<string, number>;
  /** The latest its records become visible again if left alone (the last receive's end plus the timeout). */
  readonly visibleAgainAtMs: number;
  /** The last receive returned all it was asked for: more may be waiting. */
  readonly moreWaiting: boolean;
}

export interface BatchReceiverOptions {
  readonly engine: SqsEngine;
  readonly settings: ConsumerSettings;
  readonly now: () => number;
  /** Resolves after `ms`, or earlier when a wake arrives (a send to the queue). */
  readonly waitForWake: (ms: number) => Promise<void>;
  /** A receive after the first, or a put-back, failed: the batch goes out with what it has. */
  readonly onError: (error: unknown, during: 'receive' | 'change-visibility') => void;
}

/**
 * Fills one batch as Lambda's poller does: receives of up to 10 (WaitTimeSeconds 0, every attribute) until
 * `batchSize` records, the batching window ends, or the event would pass 6 MB. Within a window it does not
 * poll: after a short receive it waits for a wake or the window's end. Messages that do not fit the payload
 * go back at once (visibility 0), as they were never handed to a function.
 */
export class BatchReceiver {
  constructor(private readonly options: BatchReceiverOptions) {}

  async receiveBatch(
    queue: QueueFacts,
    location: { accountId: string; region: string },
  ): Promise<ReceivedBatch> {
    const { engine, settings, now } = this.options;
    const records: SqsRecord[] = [];
    const heldUntilMs = new Map<string, number>();
    const windowEndMs = now() + settings.maxBatchingWindowMs;
    let bytes = 0;
    let visibleAgainAtMs = 0;
    let moreWaiting = false;
    while (records.length < settings.batchSize) {
      const wanted = Math.min(MAX_RECEIVE_MESSAGES, settings.batchSize - records.length);
      const startMs = now();
      let messages: Awaited<ReturnType<SqsEngine['receiveMessage']>>['messages'];
      try {
        ({ messages } = await engine.receiveMessage({
          queueName: settings.queueName,
          maxNumberOfMessages: wanted,
          waitTimeSeconds: 0,
          messageSystemAttributeNames: ['All'],
          messageAttributeNames: ['All'],
        }));
      } catch (error) {
        // The records already held go out; without any, the caller learns the receive failed.
        if (records.length === 0) throw error;
        this.options.onError(error, 'receive');
        break;
      }
      const endMs = now();

      const overflow: string[] = [];
      for (const message of messages) {
        const record = toSqsRecord(message, { queueName: settings.queueName, ...location });
        const size = recordBytes(record);
        if (overflow.length > 0 || (records.length > 0 && bytes + size > MAX_EVENT_BYTES)) {
          overflow.push(message.receiptHandle);
          continue;
        }
        bytes += size;
        records.push(record);
        heldUntilMs.set(record.messageId, startMs + queue.visibilityTimeoutMs);
      }
      if (messages.length > 0) visibleAgainAtMs = endMs + queue.visibilityTimeoutMs;
      moreWaiting = messages.length === wanted;
      if (overflow.length > 0) {
        await this.putBack(overflow);
        moreWaiting = true;
        break;
      }
      if (records.length >= settings.batchSize) break;
      if (messages.length < wanted) {
        const leftMs = windowEndMs - now();
        if (leftMs <= 0) break;
        await this.options.waitForWake(leftMs);
      }
    }
    return { records, heldUntilMs, visibleAgainAtMs, moreWaiting };
  }

  /**
   * Makes messages visible again at once. A failure leaves them to their visibility timeout; the batch's
   * `visibleAgainAtMs` covers them, as they came in its last receive.
   */
  private async putBack(receiptHandles: readonly string[]): Promise<void> {
    const { engine, settings } = this.options;
    for (let start = 0; start < receiptHandles.length; start += MAX_RECEIVE_MESSAGES) {
      try {
        await engine.changeMessageVisibilityBatch({
          queueName: settings.queueName,
          entries: receiptHandles
            .slice(start, start + MAX_RECEIVE_MESSAGES)
            .map((receiptHandle, index) => ({ id: String(index), receiptHandle, visibilityTimeout: 0 })),
        });
      } catch (error) {
        this.options.onError(error, 'change-visibility');
      }
    }
  }
}

/** The queue's type and visibility timeout, from its attributes. */
export async function readQueueFacts(engine: SqsEngine, queueName: string): Promise<QueueFacts> {
  const attributes = await engine.getQueueAttributes({ queueName, attributeNames: ['VisibilityTimeout'] });
  return {
    // SQS answers "Unknown Attribute" for FifoQueue on a Standard queue; the name tells the type.
    fifo: queueName.endsWith('.fifo'),
    visibilityTimeoutMs: secondsToMs(Number(attributes.VisibilityTimeout ?? '30')),
  };
}

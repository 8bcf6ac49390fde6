import { performance } from 'node:perf_hooks';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { LatencyRecorder, type LatencySummary, sleep } from './stats.js';
import { BodyFactory } from './workload.js';

export interface LongPollResult {
  readonly rounds: number;
  /** SendMessage issued -> the waiting ReceiveMessage returned: what a producer and consumer see end to end. */
  readonly sendStartToReceiveMs: LatencySummary;
  /** SendMessage answered -> the waiting ReceiveMessage returned: the wake-up alone. */
  readonly sendDoneToReceiveMs: LatencySummary;
  /** Receives that returned without the message just sent (should be 0). */
  readonly misses: number;
}

/** Time a receiver needs to issue its first (empty) read and start waiting; randomised so sends do not line up with the re-read timer. */
const SETTLE_MIN_MS = 150;
const SETTLE_SPREAD_MS = 100;

/**
 * One receiver long-polls (WaitTimeSeconds 20) an empty queue; once it is waiting, one message is sent. The
 * wake-up latency is measured from the send's start (and, separately, its completion) to the receive's return.
 */
export async function measureLongPollWake(
  client: SQSClient,
  queueUrl: string,
  rounds: number,
): Promise<LongPollResult> {
  const fromStart = new LatencyRecorder();
  const fromDone = new LatencyRecorder();
  const bodies = new BodyFactory();
  let misses = 0;
  for (let round = 0; round < rounds; round++) {
    const receiving = client
      .send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          WaitTimeSeconds: 20,
          MaxNumberOfMessages: 1,
          VisibilityTimeout: 60,
        }),
      )
      .then((out) => ({ out, at: performance.now() }));
    await sleep(SETTLE_MIN_MS + Math.random() * SETTLE_SPREAD_MS);
    const sendStart = performance.now();
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies.next(1)[0] }),
    );
    const sendDone = performance.now();
    const { out, at } = await receiving;
    const message = out.Messages?.[0];
    if (!message || message.MessageId !== sent.MessageId || at < sendStart) {
      misses++;
    } else {
      fromStart.record(at - sendStart);
      fromDone.record(Math.max(0, at - sendDone));
    }
    for (const m of out.Messages ?? []) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    if (!message) await drain(client, queueUrl);
  }
  return {
    rounds,
    sendStartToReceiveMs: fromStart.summary(),
    sendDoneToReceiveMs: fromDone.summary(),
    misses,
  };
}

/** After a miss, removes what was left so the next round starts on an empty queue again. */
async function drain(client: SQSClient, queueUrl: string): Promise<void> {
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    if (!out.Messages?.length) return;
    for (const m of out.Messages) {
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

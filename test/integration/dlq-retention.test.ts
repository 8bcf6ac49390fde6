import { describe, it } from 'vitest';
import { createDeadLetterPair } from '../helpers/dead-letter.js';
import { sleep } from '../helpers/poll.js';
import { PROTOCOLS } from '../helpers/test-queue.js';

/** 60 s is the shortest MessageRetentionPeriod SQS allows, so this file takes about a minute. */
const DLQ_RETENTION_MS = 60_000;
/** How long the message waits in the source queue before it moves: half the DLQ's retention. */
const HELD_IN_SOURCE_MS = 30_000;

/**
 * The developer guide ("Setting-up dead-letter queue retention"): for standard queues, the expiration of
 * a message is always based on its original enqueue timestamp, which a move to the DLQ leaves unchanged.
 * A message that spent 30 s in the source expires from a DLQ with 60 s retention 60 s after it was sent,
 * not 60 s after it moved. (FIFO queues reset the enqueue timestamp on the move instead.)
 */
describe('Retention in a Standard dead-letter queue', () => {
  it.concurrent.for([...PROTOCOLS])(
    'over %s, counts from when the message was first sent, not from when it moved',
    { timeout: 120_000 },
    async (protocol, { expect }) => {
      const pair = await createDeadLetterPair(protocol, {
        maxReceiveCount: 1,
        deadLetterAttributes: { MessageRetentionPeriod: String(DLQ_RETENTION_MS / 1000) },
      });
      const sendingAtMs = Date.now();
      const sent = await pair.source.send('expires by its first enqueue time');
      const sentAtMs = Date.now();
      const [held] = await pair.source.receive({ visibilityTimeout: HELD_IN_SOURCE_MS / 1000 });

      // Receives from the source move the message once its visibility timeout lapses; receives from
      // the DLQ (VisibilityTimeout 0 keeps it available) watch it until it expires.
      let movedAtMs: number | undefined;
      let lastSeenAtMs: number | undefined;
      let goneAtMs: number | undefined;
      while (goneAtMs === undefined && Date.now() - sendingAtMs < DLQ_RETENTION_MS + 20_000) {
        if (movedAtMs === undefined) await pair.source.receive();
        const requestedAtMs = Date.now();
        const inDeadLetterQueue = await pair.dlq.receive({ visibilityTimeout: 0 });
        if (inDeadLetterQueue.some((m) => m.messageId === sent.messageId)) {
          movedAtMs ??= requestedAtMs;
          lastSeenAtMs = requestedAtMs;
        } else if (movedAtMs !== undefined) {
          goneAtMs = requestedAtMs;
        }
        await sleep(500);
      }

      expect(held?.messageId).toBe(sent.messageId);
      expect(movedAtMs).toBeGreaterThanOrEqual(sendingAtMs + HELD_IN_SOURCE_MS);
      expect(lastSeenAtMs).toBeGreaterThanOrEqual(sendingAtMs + DLQ_RETENTION_MS - 5_000);
      // Gone when its retention, counted from the first send, ended (a second for rounding); had the
      // move restarted the clock it would have stayed until about 90 s.
      expect(lastSeenAtMs).toBeLessThan(sentAtMs + DLQ_RETENTION_MS + 1_000);
      expect(goneAtMs).toBeDefined();
    },
  );
});

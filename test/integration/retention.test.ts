import { describe, it } from 'vitest';
import { sleep } from '../helpers/poll.js';
import { createTestQueue, PROTOCOLS } from '../helpers/test-queue.js';

/** 60 s is the shortest MessageRetentionPeriod SQS allows, so this file takes about a minute. */
const RETENTION_MS = 60_000;

describe('MessageRetentionPeriod', () => {
  it.concurrent.for([...PROTOCOLS])(
    'over %s, delivers a message until its retention period ends and never after',
    { timeout: 120_000 },
    async (protocol, { expect }) => {
      const queue = await createTestQueue(protocol, { MessageRetentionPeriod: String(RETENTION_MS / 1000) });
      const sendingAtMs = Date.now();
      const sent = await queue.send('short-lived');
      const sentAtMs = Date.now();

      // VisibilityTimeout 0 keeps the message available between receives.
      let lastSeenAtMs: number | undefined;
      let goneAtMs: number | undefined;
      while (goneAtMs === undefined && Date.now() - sendingAtMs < RETENTION_MS + 20_000) {
        const requestedAtMs = Date.now();
        const received = await queue.receive({ visibilityTimeout: 0 });
        if (received.some((m) => m.messageId === sent.messageId)) lastSeenAtMs = requestedAtMs;
        else if (requestedAtMs >= sentAtMs + RETENTION_MS) goneAtMs = requestedAtMs;
        await sleep(500);
      }
      const counts = await queue.getAttributes(['ApproximateNumberOfMessages']);

      expect(lastSeenAtMs).toBeGreaterThanOrEqual(sendingAtMs + RETENTION_MS - 5_000);
      // Asked for after the retention period ended (with a second for rounding), it is never delivered.
      expect(lastSeenAtMs).toBeLessThan(sentAtMs + RETENTION_MS + 1_000);
      expect(goneAtMs).toBeDefined();
      expect(counts).toEqual({ ApproximateNumberOfMessages: '0' });
    },
  );
});

import { describe, expect, it } from 'vitest';
import { HISTORY_INTERVAL_MS, MemoryHistory } from '../../lambda/console/history.js';

function fakeClock(startMs: number) {
  let nowMs = startMs;
  return { nowMs: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('MemoryHistory', () => {
  it('adds up each minute and keeps the last hour, oldest first', async () => {
    const clock = fakeClock(10 * HISTORY_INTERVAL_MS);
    const history = new MemoryHistory(clock);

    history.messagesSent('q', [10, 20]);
    history.messagesReceived('q', 2);
    history.recordDepth('q', { visible: 1, inFlight: 1, delayed: 0 });
    clock.advance(HISTORY_INTERVAL_MS);
    history.messagesDeleted('q', 2);
    const twoMinutes = await history.samples('q', clock.nowMs());
    clock.advance(61 * HISTORY_INTERVAL_MS);
    history.messagesSent('q', [1]);
    const later = await history.samples('q', clock.nowMs());

    expect(twoMinutes).toEqual([
      {
        atMs: 11 * HISTORY_INTERVAL_MS,
        sent: 2,
        received: 2,
        deleted: 0,
        visible: 1,
        inFlight: 1,
        delayed: 0,
      },
      { atMs: 11 * HISTORY_INTERVAL_MS, sent: 0, received: 0, deleted: 2 },
    ]);
    expect(later).toEqual([{ atMs: clock.nowMs(), sent: 1, received: 0, deleted: 0 }]);
  });

  it('does not count empty receives, and keeps queues apart', async () => {
    const clock = fakeClock(0);
    const history = new MemoryHistory(clock);

    history.messagesReceived('a', 0);
    history.messagesSent('b', [1]);

    expect(await history.samples('a', 0)).toEqual([]);
    expect(await history.samples('b', 0)).toEqual([{ atMs: 0, sent: 1, received: 0, deleted: 0 }]);
  });
});

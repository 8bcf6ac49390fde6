import { describe, expect, it } from 'vitest';
import { FairScheduler, type Lane } from '../../lambda/engine/fair-scheduler.js';

function fakeClock(startMs = 1_000_000) {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

/** Sends `count` messages of `groupId` and returns the lane of each, in order. */
function send(scheduler: FairScheduler, groupId: string | undefined, count: number, queueId = 'q'): Lane[] {
  return Array.from({ length: count }, () => scheduler.laneFor(queueId, groupId));
}

describe('FairScheduler', () => {
  it('keeps a tenant in the normal lane until it has sent 30 messages in the window', () => {
    const scheduler = new FairScheduler({ clock: fakeClock() });

    const lanes = send(scheduler, 'busy', 40);

    expect(lanes.slice(0, 29)).toEqual(Array(29).fill('normal'));
    expect(lanes.slice(29)).toEqual(Array(11).fill('noisy'));
  });

  it('routes a tenant with more than 10 % of recent sends to the noisy lane, and the others not', () => {
    const scheduler = new FairScheduler({ clock: fakeClock() });
    send(scheduler, 'busy', 1_000);

    const quiet = Array.from({ length: 10 }, (_, i) => send(scheduler, `quiet-${i}`, 10)).flat();
    const busy = send(scheduler, 'busy', 1);

    expect(new Set(quiet)).toEqual(new Set(['normal']));
    expect(busy).toEqual(['noisy']);
  });

  it('keeps every tenant normal when none has more than 10 % of the sends', () => {
    const scheduler = new FairScheduler({ clock: fakeClock() });

    const lanes = Array.from({ length: 50 }, () =>
      Array.from({ length: 20 }, (_, tenant) => scheduler.laneFor('q', `tenant-${tenant}`)),
    ).flat();

    expect(new Set(lanes)).toEqual(new Set(['normal']));
  });

  it('never routes a message without MessageGroupId to the noisy lane, and counts it in the total', () => {
    const scheduler = new FairScheduler({ clock: fakeClock() });

    const ungrouped = send(scheduler, undefined, 500);
    const grouped = send(scheduler, 'tenant', 40);

    expect(new Set(ungrouped)).toEqual(new Set(['normal']));
    // 40 of 540 sends is 7 %: below SQS's 10 % share.
    expect(new Set(grouped)).toEqual(new Set(['normal']));
  });

  it('makes a noisy tenant quiet again once its sends leave the window', () => {
    const clock = fakeClock();
    const scheduler = new FairScheduler({ clock });
    send(scheduler, 'busy', 100);
    expect(send(scheduler, 'busy', 1)).toEqual(['noisy']);

    clock.advance(120_000);

    expect(send(scheduler, 'busy', 1)).toEqual(['normal']);
  });

  it('weighs the previous minute by how much of it is still in the window', () => {
    const clock = fakeClock(0);
    const scheduler = new FairScheduler({ clock });
    send(scheduler, 'busy', 40);
    clock.advance(60_000 + 45_000);

    // A quarter of the previous minute's 40 sends still counts: 10, plus this one.
    expect(send(scheduler, 'busy', 1)).toEqual(['normal']);
    expect(send(scheduler, 'busy', 19)).toContain('noisy');
  });

  it('judges each queue on its own sends', () => {
    const scheduler = new FairScheduler({ clock: fakeClock() });
    send(scheduler, 'busy', 100, 'queue-a');

    expect(send(scheduler, 'busy', 1, 'queue-b')).toEqual(['normal']);
    expect(send(scheduler, 'busy', 1, 'queue-a')).toEqual(['noisy']);
  });

  it('still finds the noisy tenant among more tenants than it counts exactly', () => {
    const scheduler = new FairScheduler({ clock: fakeClock(), trackedTenants: 8 });

    for (let i = 0; i < 200; i++) {
      scheduler.laneFor('q', `one-off-${i}`);
      scheduler.laneFor('q', 'busy');
    }
    const quiet = send(scheduler, 'one-off-new', 1);

    expect(send(scheduler, 'busy', 1)).toEqual(['noisy']);
    expect(quiet).toEqual(['normal']);
  });
});

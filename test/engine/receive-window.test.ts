import { describe, expect, it } from 'vitest';
import { outlastedVisibility } from '../../lambda/engine/receive-window.js';

describe('outlastedVisibility', () => {
  it('hands out a claim whose visibility timeout still runs', () => {
    expect(outlastedVisibility(30_000, 200, 30_000)).toBe(false);
    expect(outlastedVisibility(30_000, 29_999, 30_000)).toBe(false);
  });

  it('withholds a claim whose visibility timeout has run out by the time the receive answers', () => {
    expect(outlastedVisibility(30_000, 30_000, 30_000)).toBe(true);
    expect(outlastedVisibility(30_000, 35_000, 30_000)).toBe(true);
  });

  it('hands out messages received with a visibility timeout of 0, which stay visible anyway', () => {
    expect(outlastedVisibility(0, 10_000, 0)).toBe(false);
  });
});

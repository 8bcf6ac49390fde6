import { describe, expect, it } from 'vitest';
import { outlastedVisibility } from '../../lambda/engine/receive-window.js';

describe('outlastedVisibility', () => {
  it('hands out what a receive claimed well within its visibility timeout', () => {
    expect(outlastedVisibility(0, 200, 30_000)).toBe(false);
    expect(outlastedVisibility(0, 28_999, 30_000)).toBe(false);
  });

  it('withholds claims once less than a second of a 30 s timeout is left, or none', () => {
    expect(outlastedVisibility(0, 29_001, 30_000)).toBe(true);
    expect(outlastedVisibility(0, 35_000, 30_000)).toBe(true);
  });

  it('keeps a quarter of a 1 s timeout as the margin', () => {
    expect(outlastedVisibility(0, 700, 1_000)).toBe(false);
    expect(outlastedVisibility(0, 800, 1_000)).toBe(true);
  });

  it('hands out messages received with a visibility timeout of 0, which stay visible anyway', () => {
    expect(outlastedVisibility(0, 10_000, 0)).toBe(false);
  });
});

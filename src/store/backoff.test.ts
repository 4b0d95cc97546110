import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from 250 ms, never passes 5 s, and starts over after a success', () => {
    const b = new Backoff();
    const seq = Array.from({ length: 10 }, () => b.next());
    expect(seq[0]).toBeGreaterThanOrEqual(187);
    expect(seq[0]).toBeLessThanOrEqual(313);
    expect(seq[3]).toBeGreaterThanOrEqual(1500);
    for (const ms of seq) expect(ms).toBeLessThanOrEqual(5000);
    expect(seq[9]).toBeGreaterThanOrEqual(3750);
    expect(b.failing).toBe(true);
    expect(b.ready()).toBe(false);
    b.reset();
    expect(b.ready()).toBe(true);
    expect(b.next()).toBeLessThanOrEqual(313);
  });
});

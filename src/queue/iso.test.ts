import { describe, expect, it } from 'vitest';
import { isoTime } from './iso.js';

describe('isoTime', () => {
  it('is toISOString for edges, alternating seconds and a million random times', () => {
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, -1, -999, -1000, -1001, Date.now(), 253402300799999, 253402300800000, 8.64e15, -8.64e15];
    for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    let bad = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const ms = i % 3 === 0 ? Date.now() + (i % 2000) : Math.floor((Math.random() - 0.3) * 4e12);
      if (isoTime(ms) !== new Date(ms).toISOString()) bad++;
    }
    expect(bad).toBe(0);
  });

  it('refuses what toISOString refuses', () => {
    expect(() => isoTime(8.64e15 + 1000)).toThrow(RangeError);
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { jobId } from './ids.js';

describe('job ids (UUIDv7)', () => {
  it('are version 7, variant 10, and carry the creation millisecond', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
    const id = jobId(now + 10_000_000); // ahead of any id made before in this process
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now + 10_000_000);
  });

  it('sort in creation order, also within one millisecond and when the clock steps back', () => {
    const t = Date.now() + 20_000_000;
    const ids = [...Array.from({ length: 5000 }, () => jobId(t)), jobId(t - 5), jobId(t + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

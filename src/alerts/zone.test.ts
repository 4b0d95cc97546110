import { describe, expect, it } from 'vitest';
import { localParts, offsetAt, zonedTime } from './zone.js';

const iso = (t: number) => new Date(t).toISOString();

describe('alerts/zone', () => {
  it('turns Amsterdam wall-clock times into instants on both sides of both DST changes', () => {
    const tz = 'Europe/Amsterdam';
    expect(iso(zonedTime(2026, 3, 28, 9, 0, tz))).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(zonedTime(2026, 3, 29, 9, 0, tz))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(zonedTime(2026, 10, 24, 9, 0, tz))).toBe('2026-10-24T07:00:00.000Z');
    expect(iso(zonedTime(2026, 10, 25, 9, 0, tz))).toBe('2026-10-25T08:00:00.000Z');
    expect(offsetAt(Date.parse('2026-07-01T00:00:00Z'), tz)).toBe(2 * 3_600_000);
  });

  it('moves a time skipped by the spring change forward and keeps the first of a repeated hour', () => {
    expect(iso(zonedTime(2026, 3, 29, 2, 30, 'Europe/Amsterdam'))).toBe('2026-03-29T01:30:00.000Z');
    expect(localParts(zonedTime(2026, 3, 29, 2, 30, 'Europe/Amsterdam'), 'Europe/Amsterdam')).toMatchObject({ h: 3, mi: 30 });
    expect(iso(zonedTime(2026, 10, 25, 2, 30, 'Europe/Amsterdam'))).toMatch(/^2026-10-25T0[01]:30:00.000Z$/);
    expect(iso(zonedTime(2026, 3, 8, 2, 30, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(zonedTime(2026, 1, 1, 0, 0, 'Asia/Kolkata'))).toBe('2025-12-31T18:30:00.000Z');
    expect(iso(zonedTime(2026, 1, 32, 0, 0, 'UTC'))).toBe('2026-02-01T00:00:00.000Z');
  });
});

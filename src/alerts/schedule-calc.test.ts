import { describe, expect, it } from 'vitest';
import { onCallAt, timeline, type ScheduleDef } from './schedule-calc.js';

const T = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();

describe('alerts/schedule-calc', () => {
  it('hands hour shifts off by elapsed time, so their local time moves with a DST change', () => {
    const s: ScheduleDef = { time_zone: 'Europe/Amsterdam', overrides: [], layers: [{ users: ['a', 'b'], handoff: 'custom', every: 12, unit: 'hours', start: '2026-03-28T21:00' }] };
    const tl = timeline(s, T('2026-03-28T20:00:00Z'), T('2026-03-30T00:00:00Z'));
    expect(tl.map((x) => [x.user, iso(x.from)])).toEqual([['a', '2026-03-28T20:00:00.000Z'], ['b', '2026-03-29T08:00:00.000Z'], ['a', '2026-03-29T20:00:00.000Z']]);
  });

  it('hands day shifts off every N days at the same wall-clock time', () => {
    const s: ScheduleDef = { time_zone: 'America/New_York', overrides: [], layers: [{ users: ['a', 'b', 'c'], handoff: 'custom', every: 2, unit: 'days', start: '2026-03-06T08:00' }] };
    // 8 March 2026 is the spring change in New York: the handoff that day is at 08:00 EDT, 12:00 UTC.
    expect(onCallAt(s, T('2026-03-08T11:59:00Z'))?.user).toBe('a');
    expect(onCallAt(s, T('2026-03-08T12:00:00Z'))?.user).toBe('b');
    expect(onCallAt(s, T('2026-03-06T12:59:00Z'))).toBeNull();
  });

  it('has no empty shifts when a restriction falls in the hour a DST change skips', () => {
    const s: ScheduleDef = {
      time_zone: 'Europe/Amsterdam', overrides: [],
      layers: [{ users: ['base'], handoff: 'weekly', start: '2026-03-01T00:00' }, { users: ['night'], handoff: 'daily', start: '2026-03-01T00:00', restrictions: [{ from: '02:00', to: '03:00' }] }],
    };
    const tl = timeline(s, T('2026-03-28T00:00:00Z'), T('2026-03-30T12:00:00Z'));
    expect(tl.every((x) => x.to > x.from)).toBe(true);
    expect(tl.filter((x) => x.user === 'night').map((x) => [iso(x.from), iso(x.to)])).toEqual([
      ['2026-03-28T01:00:00.000Z', '2026-03-28T02:00:00.000Z'], ['2026-03-30T00:00:00.000Z', '2026-03-30T01:00:00.000Z'],
    ]);
  });

  it('lets the newest override win and shows nobody where no layer covers', () => {
    const s: ScheduleDef = {
      time_zone: 'UTC',
      layers: [{ users: ['a'], handoff: 'daily', start: '2026-01-01T00:00', restrictions: [{ days: ['mon'], from: '09:00', to: '17:00' }] }],
      overrides: [{ id: 1, user: 'x', from: T('2026-01-05T10:00:00Z'), to: T('2026-01-05T12:00:00Z') }, { id: 2, user: 'y', from: T('2026-01-05T11:00:00Z'), to: T('2026-01-05T20:00:00Z') }],
    };
    const tl = timeline(s, T('2026-01-05T00:00:00Z'), T('2026-01-06T00:00:00Z'));
    expect(tl.map((x) => [x.user, iso(x.from).slice(11, 16), iso(x.to).slice(11, 16), x.override_id])).toEqual([
      ['a', '09:00', '10:00', null], ['x', '10:00', '11:00', 1], ['y', '11:00', '20:00', 2],
    ]);
  });
});

/**
 * @module alerts/zone
 * Wall-clock time in an IANA time zone with `Intl.DateTimeFormat` only (no tz database of our
 * own): the zone's offset at an instant is read back from the formatted parts, and a local time
 * becomes an instant by subtracting the offset found there. A local time skipped by a DST change
 * (02:30 on the last Sunday of March in Europe/Amsterdam) lands one hour later, as clocks do.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export { WEEKDAYS };

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(tz, f);
  }
  return f;
}

export function validZone(tz: string): boolean {
  try { format(tz); return true; } catch { return false; }
}

export interface LocalTime { y: number; m: number; d: number; h: number; mi: number; s: number }

export function localParts(t: number, tz: string): LocalTime {
  const p: Record<string, number> = {};
  for (const x of format(tz).formatToParts(new Date(t))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** Milliseconds the zone is ahead of UTC at instant t. */
export function offsetAt(t: number, tz: string): number {
  const l = localParts(t, tz);
  const asUtc = Date.UTC(l.y, l.m - 1, l.d, l.h, l.mi, l.s);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of a local wall-clock time (day and month may overflow: Date.UTC normalises them). */
export function zonedTime(y: number, m: number, d: number, h: number, mi: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d, h, mi);
  const o1 = offsetAt(guess - offsetAt(guess, tz), tz);
  const t = guess - o1;
  // In a gap the offset before and after differ; the later offset moves the time forward.
  const o2 = offsetAt(t, tz);
  return o2 === o1 ? t : guess - Math.min(o1, o2);
}

/** The weekday of a local calendar date. */
export function weekday(y: number, m: number, d: number): Weekday {
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
}

/** Whole days from one local calendar date to another. */
export function dayNumber(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function fromDayNumber(n: number): { y: number; m: number; d: number } {
  const x = new Date(n * 86_400_000);
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate() };
}

/** `YYYY-MM-DDTHH:MM` (seconds ignored) as local parts; null when malformed. */
export function parseLocal(s: string): LocalTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return { y, m: mo, d, h, mi, s: 0 };
}

/** `HH:MM` as minutes of the day; 24:00 is allowed as the end of a day. */
export function parseClock(s: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= 1440 ? v : null;
}

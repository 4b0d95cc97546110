/**
 * @module alerts/schedule-calc
 * Who is on call, computed from a schedule's definition alone (no rows of shifts are stored, so
 * changing a layer changes the past and future answers at once). Precedence at an instant: an
 * override covering it (the newest wins), else the last layer that is active then, else nobody.
 * A layer hands off every N days at its start's wall-clock time in the schedule's zone (so a
 * daily 09:00 handoff stays at 09:00 across DST changes), or every N hours of elapsed time. Its
 * restrictions (local times of day, on some weekdays) say when the layer covers at all; outside
 * them, earlier layers show through.
 */
import { WEEKDAYS, dayNumber, fromDayNumber, localParts, parseClock, parseLocal, weekday, zonedTime, type Weekday } from './zone.js';

export interface Restriction { days?: Weekday[]; from: string; to: string }
export interface Layer {
  name?: string;
  users: string[];
  handoff: 'daily' | 'weekly' | 'custom';
  /** custom: a handoff every `every` `unit`. */
  every?: number;
  unit?: 'hours' | 'days';
  /** Local `YYYY-MM-DDTHH:MM` in the schedule's zone: the first shift's start. */
  start: string;
  restrictions?: Restriction[];
}
export interface Override { id: number; user: string; from: number; to: number; note?: string | null }
export interface ScheduleDef { time_zone: string; layers: Layer[]; overrides: Override[] }
export interface Shift { user: string; from: number; to: number; layer: number | null; layer_name: string | null; override_id: number | null }

const H = 3_600_000;
/** A timeline is for people to read: more boundaries than this mean the range is too long. */
const MAX_POINTS = 20_000;

function step(l: Layer): { days: number } | { hours: number } {
  if (l.handoff === 'daily') return { days: 1 };
  if (l.handoff === 'weekly') return { days: 7 };
  return l.unit === 'hours' ? { hours: l.every ?? 1 } : { days: l.every ?? 1 };
}

/** The start instant of a layer's shift k. */
function shiftStart(l: Layer, tz: string, k: number): number {
  const s = parseLocal(l.start)!;
  const st = step(l);
  if ('hours' in st) return zonedTime(s.y, s.m, s.d, s.h, s.mi, tz) + k * st.hours * H;
  const day = fromDayNumber(dayNumber(s.y, s.m, s.d) + k * st.days);
  return zonedTime(day.y, day.m, day.d, s.h, s.mi, tz);
}

/** The shift of a layer that holds instant t (negative before the layer starts). */
function shiftAt(l: Layer, tz: string, t: number): number {
  const st = step(l);
  const len = 'hours' in st ? st.hours * H : st.days * 24 * H;
  let k = Math.floor((t - shiftStart(l, tz, 0)) / len);
  // Day shifts are 23 or 25 hours around a DST change: the estimate is off by one at most.
  while (shiftStart(l, tz, k + 1) <= t) k++;
  while (k > -1e6 && shiftStart(l, tz, k) > t) k--;
  return k;
}

function inRestrictions(l: Layer, tz: string, t: number): boolean {
  if (!l.restrictions?.length) return true;
  const p = localParts(t, tz);
  const md = p.h * 60 + p.mi;
  const today = weekday(p.y, p.m, p.d);
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(today) + 6) % 7]!;
  return l.restrictions.some((r) => {
    const from = parseClock(r.from)!;
    const to = parseClock(r.to)!;
    const on = (d: Weekday) => !r.days?.length || r.days.includes(d);
    if (from < to) return on(today) && md >= from && md < to;
    // Overnight (or all day when from = to): the evening belongs to the day it starts on.
    return (on(today) && md >= from) || (on(yesterday) && md < to);
  });
}

export function layerUser(l: Layer, tz: string, t: number): string | null {
  const k = shiftAt(l, tz, t);
  if (k < 0 || !inRestrictions(l, tz, t)) return null;
  return l.users[k % l.users.length] ?? null;
}

export function onCallAt(s: ScheduleDef, t: number): Omit<Shift, 'from' | 'to'> | null {
  let best: Override | null = null;
  for (const o of s.overrides) if (o.from <= t && t < o.to && (!best || o.id > best.id)) best = o;
  if (best) return { user: best.user, layer: null, layer_name: null, override_id: best.id };
  for (let i = s.layers.length - 1; i >= 0; i--) {
    const l = s.layers[i]!;
    const user = layerUser(l, s.time_zone, t);
    if (user) return { user, layer: i + 1, layer_name: l.name ?? `Layer ${i + 1}`, override_id: null };
  }
  return null;
}

/** Every instant in [from, to) where the answer may change. */
function boundaries(s: ScheduleDef, from: number, to: number): number[] {
  const pts = new Set<number>([from]);
  const add = (t: number) => { if (t > from && t < to) pts.add(t); };
  const tz = s.time_zone;
  for (const l of s.layers) {
    for (let k = Math.max(0, shiftAt(l, tz, from)); pts.size < MAX_POINTS; k++) {
      const t = shiftStart(l, tz, k);
      if (t >= to) break;
      add(t);
    }
    if (!l.restrictions?.length) continue;
    const a = localParts(from, tz);
    const b = localParts(to, tz);
    for (let d = dayNumber(a.y, a.m, a.d) - 1; d <= dayNumber(b.y, b.m, b.d) && pts.size < MAX_POINTS; d++) {
      const day = fromDayNumber(d);
      add(zonedTime(day.y, day.m, day.d, 0, 0, tz));
      for (const r of l.restrictions) for (const c of [r.from, r.to]) {
        const m = parseClock(c)!;
        add(zonedTime(day.y, day.m, day.d, Math.floor(m / 60), m % 60, tz));
      }
    }
  }
  for (const o of s.overrides) { add(o.from); add(o.to); }
  if (pts.size >= MAX_POINTS) throw new RangeError('the period has too many handoffs; ask for a shorter one');
  return [...pts].sort((x, y) => x - y);
}

/** Who is on call from `from` to `to`, as contiguous shifts (gaps where nobody is). */
export function timeline(s: ScheduleDef, from: number, to: number): Shift[] {
  const pts = boundaries(s, from, to);
  const out: Shift[] = [];
  pts.forEach((p, i) => {
    const end = pts[i + 1] ?? to;
    const who = onCallAt(s, p);
    if (!who) return;
    const last = out[out.length - 1];
    if (last && last.to === p && last.user === who.user && last.layer === who.layer && last.override_id === who.override_id) last.to = end;
    else out.push({ ...who, from: p, to: end });
  });
  return out;
}

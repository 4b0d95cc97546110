/**
 * @module recipes/cron
 * Checks a schedule trigger when the recipe is applied, so a typo fails `recipes apply` instead
 * of silently never firing.
 */
import { Cron } from 'croner';

export function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why the pattern is unusable, or undefined when it is fine. */
export function cronProblem(pattern: string, timezone?: string): string | undefined {
  const p = pattern.trim();
  // Croner also takes an ISO date as a one-off run; a recipe schedule must repeat.
  const fields = p.split(/\s+/).length;
  if (!p.startsWith('@') && (fields < 5 || fields > 6)) {
    return `"${pattern}" is not a cron pattern: use 5 fields (minute hour day month weekday), 6 with seconds first, or @hourly/@daily/...`;
  }
  let job: Cron | undefined;
  try {
    job = new Cron(p, { paused: true, ...(timezone && isTimezone(timezone) ? { timezone } : {}) });
    if (!job.nextRun()) return `"${pattern}" never fires`;
    return undefined;
  } catch (e) {
    return `"${pattern}" is not a valid cron pattern: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    job?.stop();
  }
}

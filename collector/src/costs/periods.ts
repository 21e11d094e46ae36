export type Period = 'DAY' | 'WEEK' | 'MONTH';

export const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A UTC day (YYYY-MM-DD) or instant (YYYY-MM-DDTHH:MM[:SS]Z) as epoch ms; NaN unless the
 * calendar has it: Date.parse rolls February 30th over into March, and would answer for a day
 * the caller never named.
 */
export function calendarMs(text: string): number {
  const ms = Date.parse(text.includes('T') ? text : `${text}T00:00:00Z`);
  return !Number.isNaN(ms) && isoDay(ms) === text.slice(0, 10) ? ms : Number.NaN;
}

/** The calendar period containing `now` (weeks start on Monday, UTC), and how much of it has passed. */
export function periodWindow(period: Period, now: Date): { from: string; to: string; days: number; elapsedDays: number } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let start = today;
  let end = today + DAY_MS;
  if (period === 'WEEK') {
    start = today - ((now.getUTCDay() + 6) % 7) * DAY_MS;
    end = start + 7 * DAY_MS;
  } else if (period === 'MONTH') {
    start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  }
  return { from: isoDay(start), to: isoDay(end), days: (end - start) / DAY_MS, elapsedDays: (now.getTime() - start) / DAY_MS };
}

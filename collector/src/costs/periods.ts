export type Period = 'DAY' | 'WEEK' | 'MONTH';

export const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

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

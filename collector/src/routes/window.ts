import { ApiError } from '../errors';

/** The longest window a report reads at once (the cost reports' too): longer ones are split by the caller. */
export const MAX_WINDOW_DAYS = 400;
const DAY_MS = 86_400_000;

/**
 * A request's [from, to) from its RFC 3339 `from` and `to` (date-time in its schema, which
 * refuses what no Date holds): `to` defaults to now and `from` to `defaultMs` before `to`. A
 * 400 naming the field when from is not before to, and, for a report (`maxDays`), when the
 * window is longer than that. Pages of a list take any window: their limit bounds the work.
 */
export function requestWindow(q: { from?: string; to?: string }, now: Date, defaultMs: number, maxDays?: number): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultMs);
  if (!(from < to)) throw new ApiError('VALIDATION_ERROR', `from (${from.toISOString()}) must be before to (${to.toISOString()})`, { field: 'querystring/from' });
  if (maxDays !== undefined && to.getTime() - from.getTime() > maxDays * DAY_MS) throw new ApiError('VALIDATION_ERROR', `at most ${maxDays} days per request`, { field: 'querystring/from', maxDays });
  return { from, to };
}

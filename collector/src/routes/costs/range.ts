import { Type, type Static } from '@sinclair/typebox';
import { Vendor } from '@ai-arm/schemas';
import { chDateTime } from '../../connectors/types';
import { calendarMs, DAY_MS, isoDay } from '../../costs/periods';
import { ApiError } from '../../errors';

const Day = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:00(:00)?Z)?$', description: `${description}: a day (YYYY-MM-DD, UTC) or an hour (YYYY-MM-DDTHH:00:00Z)` });

export const RangeQuery = Type.Object({
  from: Type.Optional(Day('First day, inclusive (default: 29 days before today)')),
  to: Type.Optional(Day('Last day, inclusive (default: today), or an hour, exclusive')),
  vendor: Type.Optional(Vendor),
  agentId: Type.Optional(Type.String({ format: 'uuid' })),
});
export type RangeQuery = Static<typeof RangeQuery>;

export const MAX_RANGE_DAYS = 400;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

const isHour = (s: string) => s.includes('T');
const parse = calendarMs;

/**
 * The query's range as the cost engine takes it, `from` inclusive and `to` exclusive. Days
 * name whole days (`to` inclusive); hours name instants (`to` exclusive), for windows such
 * as "since the collector started".
 */
export function parseRange(q: RangeQuery, now: Date): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const field of ['from', 'to'] as const) {
    const v = q[field];
    const ms = v ? parse(v) : 0;
    // A day of the calendar (not February 30th), within the years a store can hold.
    if (v && (Number.isNaN(ms) || ms < EARLIEST || ms >= LATEST)) {
      throw new ApiError('VALIDATION_ERROR', `querystring/${field} must be a real date from ${isoDay(EARLIEST)} to ${isoDay(LATEST - DAY_MS)}`, { field: `querystring/${field}` });
    }
  }
  const to = q.to ? parse(q.to) + (isHour(q.to) ? 0 : DAY_MS) : today + DAY_MS;
  const from = q.from ? parse(q.from) : to - 30 * DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to)) throw new ApiError('VALIDATION_ERROR', 'from and to must be real dates', { field: 'querystring' });
  if (from >= to) throw new ApiError('VALIDATION_ERROR', `from (${q.from}) is not before to (${q.to})`, { field: 'querystring/from' });
  if ((to - from) / DAY_MS > MAX_RANGE_DAYS) throw new ApiError('VALIDATION_ERROR', `at most ${MAX_RANGE_DAYS} days per query`, { field: 'querystring' });
  const text = (ms: number) => (ms % DAY_MS === 0 ? isoDay(ms) : chDateTime(ms / 1000));
  return { from: text(from), to: text(to) };
}

/** The range as a response states it: days as they are, an hour as RFC 3339 UTC (the query's text is ClickHouse's, zone-less). */
export const rangeMeta = (range: { from: string; to: string }) => {
  const text = (t: string) => (t.includes(' ') ? `${t.replace(' ', 'T')}Z` : t);
  return { from: text(range.from), to: text(range.to) };
};

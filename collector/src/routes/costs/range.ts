import { Type, type Static } from '@sinclair/typebox';
import { Vendor } from '@ai-arm/schemas';
import { ApiError } from '../../errors';

const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description}, YYYY-MM-DD (UTC)` });

export const RangeQuery = Type.Object({
  from: Type.Optional(Day('First day, inclusive (default: 29 days before today)')),
  to: Type.Optional(Day('Last day, inclusive (default: today)')),
  vendor: Type.Optional(Vendor),
  agentId: Type.Optional(Type.String({ format: 'uuid' })),
});
export type RangeQuery = Static<typeof RangeQuery>;

export const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The query's days as the cost engine takes them: `from` inclusive, `to` exclusive. */
export function parseRange(q: RangeQuery, now: Date): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const to = q.to ? Date.parse(`${q.to}T00:00:00Z`) : today;
  const from = q.from ? Date.parse(`${q.from}T00:00:00Z`) : to - 29 * DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to)) throw new ApiError('VALIDATION_ERROR', 'from and to must be real dates', { field: 'querystring' });
  if (from > to) throw new ApiError('VALIDATION_ERROR', `from (${dayOf(from)}) is after to (${dayOf(to)})`, { field: 'querystring/from' });
  if ((to - from) / DAY_MS >= MAX_RANGE_DAYS) throw new ApiError('VALIDATION_ERROR', `at most ${MAX_RANGE_DAYS} days per query`, { field: 'querystring' });
  return { from: dayOf(from), to: dayOf(to + DAY_MS) };
}

import type { SimVendor } from './catalog';
import { BUCKET_LIMITS, BUCKET_SECONDS, ParamError } from './http/params';
import type { SimState } from './state';
import { cells, type UsageCell } from './traffic';

export const MAX_RESULTS_PER_PAGE = 20_000;

export interface BucketPage<R> {
  buckets: { start: number; end: number; results: R[] }[];
  /** Start of the next bucket when more remain, for the page cursor. */
  next: number | null;
}

export interface BucketQuery {
  vendor: SimVendor;
  start: number;
  end: number | undefined;
  width: string;
  limit: number | undefined;
  /** From the page cursor: where this page begins. */
  pageStart: number | undefined;
  allowedWidths: string[];
}

/**
 * Cuts [start, end) into buckets of the requested width, a page at a time, and hands each
 * bucket's cells to `summarise`. Only whole hours that have ended are counted: the current
 * bucket grows as time passes, as the vendors' own does.
 */
export function bucketPage<R>(state: SimState, q: BucketQuery, summarise: (cells: UsageCell[], bucketStart: number) => R[]): BucketPage<R> {
  if (!q.allowedWidths.includes(q.width)) throw new ParamError(`bucket_width must be one of ${q.allowedWidths.join(', ')}`, 'bucket_width');
  const width = BUCKET_SECONDS[q.width]!;
  if (width < 3600) throw new ParamError('the simulator serves hourly and daily buckets; bucket_width 1m is not simulated', 'bucket_width');
  const [dflt, max] = BUCKET_LIMITS[q.width]!;
  const limit = q.limit ?? dflt;
  if (limit < 1 || limit > max) throw new ParamError(`limit must be between 1 and ${max} for bucket_width ${q.width}`, 'limit');
  const now = state.now();
  const end = Math.min(q.end ?? now, now);
  const first = Math.floor((q.pageStart ?? q.start) / width) * width;
  const buckets: BucketPage<R>['buckets'] = [];
  let b = first;
  let results = 0;
  // A page also ends once it holds MAX_RESULTS_PER_PAGE results: a 10,000-agent
  // organisation would otherwise answer a week of hourly buckets in one response of
  // hundreds of megabytes. The cursor carries on from the next bucket.
  for (; b < end && buckets.length < limit && results < MAX_RESULTS_PER_PAGE; b += width) {
    const bucketCells = [...cells(state, q.vendor, Math.max(b, q.start), Math.min(b + width, end), now)];
    const summary = summarise(bucketCells, b);
    results += summary.length;
    buckets.push({ start: b, end: b + width, results: summary });
  }
  return { buckets, next: b < end ? b : null };
}

/** Sums cells into groups keyed by the grouped fields; ungrouped fields come out null. */
export function groupCells<K extends string>(
  input: UsageCell[],
  fields: Record<K, (c: UsageCell) => string | boolean | null>,
  groupBy: readonly string[],
): { key: Record<K, string | boolean | null>; cells: UsageCell[] }[] {
  for (const g of groupBy) if (!(g in fields)) throw new ParamError(`group_by must be among ${Object.keys(fields).join(', ')}`, 'group_by');
  const groups = new Map<string, { key: Record<K, string | boolean | null>; cells: UsageCell[] }>();
  const all = Object.keys(fields) as K[];
  const grouped = all.filter((f) => groupBy.includes(f));
  for (const cell of input) {
    // The key object is built once per group: this runs for every cell of every bucket.
    const id = JSON.stringify(grouped.map((f) => fields[f](cell)));
    let group = groups.get(id);
    if (!group) {
      const key = {} as Record<K, string | boolean | null>;
      for (const f of all) key[f] = groupBy.includes(f) ? fields[f](cell) : null;
      groups.set(id, (group = { key, cells: [] }));
    }
    group.cells.push(cell);
  }
  return [...groups.values()];
}

export function sum(cs: UsageCell[], f: (c: UsageCell) => number): number {
  let n = 0;
  for (const c of cs) n += f(c);
  return n;
}

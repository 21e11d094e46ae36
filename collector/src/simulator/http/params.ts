/** Query values as both SDK styles send them: `group_by[]=a&group_by[]=b` or `group_by=a&group_by=b`. */
export function arrayParam(query: Record<string, unknown>, name: string): string[] {
  const out: string[] = [];
  for (const key of [name, `${name}[]`]) {
    const v = query[key];
    if (Array.isArray(v)) out.push(...v.map(String));
    else if (typeof v === 'string') out.push(v);
  }
  return out;
}

export function stringParam(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
}

export class ParamError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export function intParam(query: Record<string, unknown>, name: string, dflt: number, min: number, max: number): number {
  const raw = stringParam(query, name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ParamError(`${name} must be an integer between ${min} and ${max}`, name);
  return n;
}

/** `limit` of a usage report, when given: bucketPage holds it to the bucket width's maximum. */
export function bucketLimitParam(query: Record<string, unknown>): number | undefined {
  return stringParam(query, 'limit') === undefined ? undefined : intParam(query, 'limit', 1, 1, 1440);
}

export const BUCKET_SECONDS: Record<string, number> = { '1m': 60, '1h': 3600, '1d': 86400 };
/** Default and maximum number of buckets per page, per bucket width (both vendors document the same). */
export const BUCKET_LIMITS: Record<string, [number, number]> = { '1m': [60, 1440], '1h': [24, 168], '1d': [7, 31] };

/** Opaque page cursors: the start of the next bucket, so any page can be re-requested. */
export const encodeCursor = (at: number) => Buffer.from(`sim:${at}`).toString('base64url');
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^sim:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ParamError('page is not a cursor this API returned', 'page');
  return Number(m[1]);
}

/** RFC 3339 (`2025-08-01T00:00:00Z`) to unix seconds. */
export function parseRfc3339(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ParamError(`${name} must be an RFC 3339 timestamp`, name);
  return Math.floor(t / 1000);
}

export const rfc3339 = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');

/** Cursor-by-id paging over an id-ordered list, as both vendors' list endpoints do. */
export function pageById<T extends { id: string }>(items: readonly T[], opts: { limit: number; after?: string; before?: string }) {
  let start = 0;
  let end = items.length;
  if (opts.after) start = items.findIndex((i) => i.id === opts.after) + 1;
  if (opts.before) end = Math.max(0, items.findIndex((i) => i.id === opts.before));
  const window = opts.before ? items.slice(Math.max(start, end - opts.limit), end) : items.slice(start, start + opts.limit);
  const hasMore = opts.before ? end - opts.limit > start : start + opts.limit < end;
  return { data: window, first_id: window[0]?.id ?? null, last_id: window[window.length - 1]?.id ?? null, has_more: hasMore };
}

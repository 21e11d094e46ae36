import type { SqlExecutor } from '../stores/postgres/types';
import { UUID_PATTERN } from '../stores/tenant-scope';
import { unstorableBecause } from '../security/storable-text';
import { AGENT_COLUMNS, toAgent, type AgentRow, type AgentView } from './store';

export const SORTS = { name: 'name', created: 'created_at', healthScore: 'health_score' } as const;
export type SortKey = keyof typeof SORTS;

export interface AgentFilter {
  organizationId: string;
  vendor?: string;
  status?: string;
  type?: string;
  health?: string;
  /** Substring of the name, case-insensitive. */
  q?: string;
  /** Every agent whose name matches `q`, when they are few (see narrowSearch). */
  named?: string[];
}

export interface ListOptions {
  sort: SortKey;
  descending: boolean;
  limit: number;
  cursor?: string;
}

// The cursor is the last row's sort value and id: the next page starts after them, whatever
// was added or removed meanwhile (keyset paging, no OFFSET).
const encodeCursor = (value: unknown, id: string) => Buffer.from(JSON.stringify([value, id])).toString('base64url');
// A cursor comes back from the client, so each value is held to what this API writes into one:
// a name as a column holds it, created_at as Postgres prints it (years 1970-2099), a score in int range.
const STORABLE = (s: string) => s.length <= 255 && unstorableBecause(s) === null;
const CREATED = /^(19[7-9]\d|20\d\d)-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d)?|Z)?$/;
const VALUE_OK: Record<SortKey, (v: unknown) => boolean> = {
  name: (v) => typeof v === 'string' && STORABLE(v),
  created: (v) => typeof v === 'string' && CREATED.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))),
  healthScore: (v) => Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 - 1,
};

/** A cursor this API gave out for this sort, or null (which the route answers with a 400). */
export function decodeCursor(cursor: string, sort: SortKey): [string | number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[1] === 'string' && UUID_PATTERN.test(v[1]) && VALUE_OK[sort](v[0]) ? [v[0] as string | number, v[1]] : null;
  } catch {
    return null;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(f: AgentFilter, params: unknown[]): string {
  const parts = ['organization_id = $1'];
  params.push(f.organizationId);
  for (const col of ['vendor', 'status', 'type', 'health'] as const) {
    if (f[col]) {
      params.push(f[col]);
      parts.push(`${col} = $${params.length}`);
    }
  }
  if (f.named) {
    params.push(f.named);
    parts.push(`id = ANY($${params.length}::uuid[])`);
  } else if (f.q) {
    params.push(`%${escapeLike(f.q)}%`);
    parts.push(`name ILIKE $${params.length}`);
  }
  return parts.join(' AND ');
}

/**
 * A name search, narrowed first through the trigram index: row-level security keeps the planner
 * from using it for ILIKE (migration 011), so the few matches of a rare name come from
 * arm_agents_named, which reads the caller's organisation only. A common name has more than the
 * count cap of matches; its pages are found walking the name order, which stops at the page.
 */
export async function narrowSearch(db: SqlExecutor, f: AgentFilter): Promise<AgentFilter> {
  if (!f.q) return f;
  const ids = (await db.query<{ id: string }>('SELECT arm_agents_named($1, $2) AS id', [`%${escapeLike(f.q)}%`, SEARCH_COUNT_CAP + 1])).map((r) => r.id);
  return ids.length > SEARCH_COUNT_CAP ? f : { ...f, named: ids };
}

/**
 * Sorted by anything but the name (which has indexes per filter, migration 007), a page of
 * fewer than this many matches is found by fetching the matches and sorting them; above it, by
 * reading the sort order's index until the page is full. Walking an index for a filter that
 * matches almost nothing would read every agent; sorting a huge match set would too.
 */
export const SORT_AFTER_FETCH_BELOW = 20_000;

/** One page of agents, sorted, and the cursor of the next page (null on the last). `matches` is the count, when known. */
export async function listAgents(db: SqlExecutor, f: AgentFilter, o: ListOptions, after: [string | number, string] | null, matches?: number): Promise<{ agents: AgentView[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  const col = SORTS[o.sort];
  const dir = o.descending ? 'DESC' : 'ASC';
  // created_at as Postgres writes it: microseconds, which a JS Date would round to milliseconds.
  let sql = `SELECT ${AGENT_COLUMNS}, created_at::text AS created_cursor FROM agents WHERE ${where(f, params)}`;
  if (o.sort !== 'name' && matches !== undefined && matches < SORT_AFTER_FETCH_BELOW) sql = `WITH m AS MATERIALIZED (${sql}) SELECT * FROM m WHERE true`;
  if (after) {
    params.push(after[0], after[1]);
    const cast = o.sort === 'created' ? '::timestamptz' : o.sort === 'healthScore' ? '::int' : '::text';
    sql += ` AND (${col}, id) ${o.descending ? '<' : '>'} ($${params.length - 1}${cast}, $${params.length}::uuid)`;
  }
  params.push(o.limit + 1);
  sql += ` ORDER BY ${col} ${dir}, id ${dir} LIMIT $${params.length}`;
  const rows = await db.query<AgentRow & { created_cursor: string }>(sql, params);
  const agents = rows.slice(0, o.limit).map(toAgent);
  const last = rows.length > o.limit ? rows[o.limit - 1]! : null;
  const value = last ? (o.sort === 'created' ? last.created_cursor : o.sort === 'healthScore' ? last.health_score : last.name) : null;
  return { agents, nextCursor: last ? encodeCursor(value, last.id) : null };
}

/** Past this many name matches the counts stop and say so: "10,000+" is answer enough. */
export const SEARCH_COUNT_CAP = 10_000;

/**
 * Matching agents per vendor. Without a name search the trigger-kept agent_counts table
 * answers (a few hundred rows at most); with one, the matches are counted up to the cap.
 */
export async function countByVendor(db: SqlExecutor, f: AgentFilter): Promise<{ byVendor: Record<string, number>; total: number; capped: boolean }> {
  const params: unknown[] = [];
  let rows: { vendor: string; n: string | number }[];
  if (f.q) {
    const w = where(f, params);
    params.push(SEARCH_COUNT_CAP + 1);
    rows = await db.query(`SELECT vendor, count(*) AS n FROM (SELECT vendor FROM agents WHERE ${w} LIMIT $${params.length}) m GROUP BY vendor`, params);
  } else {
    rows = await db.query(`SELECT vendor, sum(n) AS n FROM agent_counts WHERE ${where(f, params)} GROUP BY vendor HAVING sum(n) > 0`, params);
  }
  const byVendor = Object.fromEntries(rows.map((r) => [r.vendor, Number(r.n)]));
  const total = Object.values(byVendor).reduce((s, n) => s + n, 0);
  return { byVendor, total: Math.min(total, f.q ? SEARCH_COUNT_CAP : total), capped: Boolean(f.q) && total > SEARCH_COUNT_CAP };
}

import type { SqlExecutor } from '../stores/postgres/types';
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
export function decodeCursor(cursor: string): [string | number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[1] === 'string' && (typeof v[0] === 'string' || typeof v[0] === 'number') ? [v[0], v[1]] : null;
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
  if (f.q) {
    params.push(`%${escapeLike(f.q)}%`);
    parts.push(`name ILIKE $${params.length}`);
  }
  return parts.join(' AND ');
}

/** One page of agents, sorted, and the cursor of the next page (null on the last). */
export async function listAgents(db: SqlExecutor, f: AgentFilter, o: ListOptions, after: [string | number, string] | null): Promise<{ agents: AgentView[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  let sql = `SELECT ${AGENT_COLUMNS} FROM agents WHERE ${where(f, params)}`;
  const col = SORTS[o.sort];
  const dir = o.descending ? 'DESC' : 'ASC';
  if (after) {
    params.push(after[0], after[1]);
    sql += ` AND (${col}, id) ${o.descending ? '<' : '>'} ($${params.length - 1}, $${params.length})`;
  }
  params.push(o.limit + 1);
  sql += ` ORDER BY ${col} ${dir}, id ${dir} LIMIT $${params.length}`;
  const rows = await db.query<AgentRow>(sql, params);
  const agents = rows.slice(0, o.limit).map(toAgent);
  const last = rows.length > o.limit ? rows[o.limit - 1]! : null;
  const value = last ? (o.sort === 'created' ? last.created_at.toISOString() : o.sort === 'healthScore' ? last.health_score : last.name) : null;
  return { agents, nextCursor: last ? encodeCursor(value, last.id) : null };
}

/**
 * Matching agents per vendor. Without a name search the trigger-kept agent_counts table
 * answers (a few hundred rows at most); with one, the matching rows are counted.
 */
export async function countByVendor(db: SqlExecutor, f: AgentFilter): Promise<{ byVendor: Record<string, number>; total: number }> {
  const params: unknown[] = [];
  const rows = f.q
    ? await db.query<{ vendor: string; n: string | number }>(`SELECT vendor, count(*) AS n FROM agents WHERE ${where(f, params)} GROUP BY vendor`, params)
    : await db.query<{ vendor: string; n: string | number }>(`SELECT vendor, sum(n) AS n FROM agent_counts WHERE ${where(f, params)} GROUP BY vendor HAVING sum(n) > 0`, params);
  const byVendor = Object.fromEntries(rows.map((r) => [r.vendor, Number(r.n)]));
  return { byVendor, total: Object.values(byVendor).reduce((s, n) => s + n, 0) };
}

import type { AuditLog } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';
import { toAuditLog, type AuditRow } from './log';

export interface AuditFilter {
  organizationId: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  /** Records after this sequence (the cursor). */
  after?: number;
}

/** One page of the trail, oldest first, and the cursor of the next. */
export async function auditPage(db: SqlExecutor, f: AuditFilter, limit: number): Promise<{ records: AuditLog[]; nextCursor: string | null }> {
  const rows = await db.query<AuditRow>(
    `SELECT * FROM audit_log WHERE organization_id = $1 AND sequence > $2
       AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR resource_type = $4) AND ($5::text IS NULL OR resource_id = $5)
       AND ($6::text IS NULL OR actor_id = $6) AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
     ORDER BY sequence LIMIT $9`,
    [f.organizationId, f.after ?? 0, f.action ?? null, f.resourceType ?? null, f.resourceId ?? null, f.actorId ?? null, f.from ?? null, f.to ?? null, limit + 1],
  );
  const records = rows.slice(0, limit).map(toAuditLog);
  return { records, nextCursor: rows.length > limit ? String(records[records.length - 1]!.sequence) : null };
}

/** Every matching record, a page at a time, for export. */
export async function* auditRecords(db: SqlExecutor, f: AuditFilter, pageSize = 1000): AsyncGenerator<AuditLog> {
  let after = f.after ?? 0;
  for (;;) {
    const page = await auditPage(db, { ...f, after }, pageSize);
    yield* page.records;
    if (!page.nextCursor) return;
    after = Number(page.nextCursor);
  }
}

const CSV_COLUMNS = ['sequence', 'id', 'timestamp', 'actorType', 'actorId', 'actorName', 'action', 'resourceType', 'resourceId', 'before', 'after', 'metadata', 'ipAddress', 'userAgent', 'requestId', 'prevHash', 'hash'] as const;
/** One CSV cell: JSON for objects, quoted when it holds a comma, quote or line break, and never a formula. */
export const csvCell = (v: unknown) => {
  let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A cell a spreadsheet would run as a formula (a user agent, a key name) is kept as text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The export as text lines: CSV with a header row, or one JSON object per line. */
export async function* exportLines(records: AsyncIterable<AuditLog>, format: 'csv' | 'jsonl'): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  for await (const r of records) yield format === 'csv' ? `${CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')}\n` : `${JSON.stringify(r)}\n`;
}

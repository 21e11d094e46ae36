import type { TelemetryDb } from '../stores/clickhouse/client';

/** The report tables a connection writes, with their columns in order (schemas/clickhouse/002). */
const TABLES = {
  vendor_usage: [
    'organization_id', 'connection_id', 'vendor', 'bucket_start', 'bucket_width', 'project_id', 'api_key_id', 'model', 'operation', 'service_tier', 'context_window',
    'requests', 'input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'polled_at',
  ],
  vendor_costs: ['organization_id', 'connection_id', 'vendor', 'day', 'project_id', 'api_key_id', 'line_item', 'model', 'token_type', 'service_tier', 'context_window', 'amount_usd', 'polled_at'],
} as const;

export type HistoryAction = 'kept' | 'merged' | 'deleted';

export interface HistoryOutcome {
  action: HistoryAction;
  /** The connection that now holds the merged rows. */
  into: string | null;
  /** Rows (deduplicated) the removed connection had stored, per table. */
  usageRows: number;
  costRows: number;
}

const rowsOf = async (db: TelemetryDb, table: keyof typeof TABLES, org: string, id: string) =>
  Number(
    (await db.query<{ n: number | string }>(`SELECT count() AS n FROM {db:Identifier}.${table} FINAL WHERE organization_id = {org:UUID} AND connection_id = {id:UUID}`, { org, id }))[0]?.n ?? 0,
  );

/**
 * What a removed connection polled, so cost reads (which sum every stored row of the
 * organisation) stop counting it twice or at all:
 * - merged into the live connection to the same vendor account: its rows are copied under that
 *   connection's id (the newer poll of a bucket wins, as in any re-poll) and then deleted, so
 *   history it alone reached (an older backfill) stays and the account counts once;
 * - deleted when asked;
 * - otherwise kept: it is the only record of what that account spent.
 * A run of the connection still in flight must have finished first (Poller.retire).
 */
export async function settleHistory(db: TelemetryDb, organizationId: string, removedId: string, o: { into: string | null; purge: boolean }): Promise<HistoryOutcome> {
  const usageRows = await rowsOf(db, 'vendor_usage', organizationId, removedId);
  const costRows = await rowsOf(db, 'vendor_costs', organizationId, removedId);
  const action: HistoryAction = o.into ? 'merged' : o.purge ? 'deleted' : 'kept';
  if (action === 'kept') return { action, into: null, usageRows, costRows };
  for (const [table, columns] of Object.entries(TABLES)) {
    if (o.into) {
      // By position, not by an alias: a `connection_id` alias would shadow the column in WHERE.
      const select = columns.map((c) => (c === 'connection_id' ? '{into:UUID}' : c)).join(', ');
      await db.command(
        `INSERT INTO {db:Identifier}.${table} (${columns.join(', ')}) SELECT ${select} FROM {db:Identifier}.${table} FINAL WHERE organization_id = {org:UUID} AND connection_id = {id:UUID}`,
        { org: organizationId, id: removedId, into: o.into },
      );
    }
    await db.command(`DELETE FROM {db:Identifier}.${table} WHERE organization_id = {org:UUID} AND connection_id = {id:UUID}`, { org: organizationId, id: removedId });
  }
  return { action, into: o.into, usageRows, costRows };
}

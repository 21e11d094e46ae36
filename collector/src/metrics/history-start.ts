import type { SqlExecutor } from '../stores/postgres/types';

/**
 * When the organisation's live usage counters began: the first start of any usage feed. History
 * ends there by default, so backfilled samples and live ones never overlap. Null before any poll.
 */
export async function liveCountersStart(db: SqlExecutor, organizationId: string): Promise<Date | null> {
  const [row] = await db.query<{ started: Date | null }>("SELECT min(started_at) AS started FROM poll_watermarks WHERE organization_id = $1 AND feed LIKE '%usage%'", [organizationId]);
  return row?.started ?? null;
}

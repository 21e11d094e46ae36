import type { SqlExecutor } from '../stores/postgres/types';

export interface ReleasedAgents {
  /** The live connection to the same vendor account that now checks them, if there is one. */
  reassignedTo: string | null;
  reassigned: number;
  /** Agents no connection watches any more (their health is UNKNOWN until the account is connected again). */
  unwatched: string[];
}

/**
 * The agents of a connection being removed, in its delete transaction. A connection to the
 * same vendor account takes them over at once (its next inventory run would have claimed them
 * anyway, minutes later, with their health checks refused until then). Without one they lose
 * their connection and say why: health UNKNOWN, not DOWN, since nothing failed at the vendor;
 * an inventory run of a connection to that account later claims them back.
 */
export async function releaseAgents(tx: SqlExecutor, organizationId: string, removed: { id: string; name: string }, survivor: { id: string } | null): Promise<ReleasedAgents> {
  if (survivor) {
    const moved = await tx.query('UPDATE agents SET connection_id = $3, updated_at = now() WHERE organization_id = $1 AND connection_id = $2 RETURNING id', [organizationId, removed.id, survivor.id]);
    return { reassignedTo: survivor.id, reassigned: moved.length, unwatched: [] };
  }
  const left = await tx.query<{ id: string }>(
    // One the vendor no longer lists keeps its verdict and reason.
    `UPDATE agents SET connection_id = NULL, updated_at = now(),
            health = CASE WHEN vanished_at IS NULL THEN 'UNKNOWN' ELSE health END,
            health_score = CASE WHEN vanished_at IS NULL THEN 0 ELSE health_score END,
            consecutive_failures = CASE WHEN vanished_at IS NULL THEN 0 ELSE consecutive_failures END,
            last_error = CASE WHEN vanished_at IS NULL THEN $3 ELSE last_error END
      WHERE organization_id = $1 AND connection_id = $2 RETURNING id`,
    [organizationId, removed.id, `its connection "${removed.name}" was removed, so nothing checks this agent now; connect its vendor account again to resume`],
  );
  return { reassignedTo: null, reassigned: 0, unwatched: left.map((a) => a.id) };
}

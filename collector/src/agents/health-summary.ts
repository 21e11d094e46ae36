import type { HealthSummary } from '@ai-arm/schemas';
import type { SqlExecutor } from '../stores/postgres/types';

type Vendor = HealthSummary['down'][number]['vendor'];
type Health = HealthSummary['byHealth'][number]['health'];

/** The organisation's agents by health and vendor, the average health score, and the agents that are down. */
export async function healthSummary(db: SqlExecutor, org: string): Promise<HealthSummary> {
  const byHealth = await db.query<{ vendor: Vendor; health: Health; n: string | number }>('SELECT vendor, health, sum(n) AS n FROM agent_counts WHERE organization_id = $1 GROUP BY vendor, health HAVING sum(n) > 0 ORDER BY vendor, health', [org]);
  const [score] = await db.query<{ avg: string | number | null }>("SELECT avg(health_score) AS avg FROM agents WHERE organization_id = $1 AND status <> 'PAUSED'", [org]);
  const down = await db.query<{ id: string; name: string; vendor: Vendor; last_error: string | null; last_health_check: Date | null }>(
    "SELECT id, name, vendor, last_error, last_health_check FROM agents WHERE organization_id = $1 AND health = 'DOWN' AND status <> 'PAUSED' ORDER BY name LIMIT 100",
    [org],
  );
  return {
    byHealth: byHealth.map((r) => ({ vendor: r.vendor, health: r.health, agents: Number(r.n) })),
    averageHealthScore: score?.avg === null || score?.avg === undefined ? null : Math.round(Number(score.avg) * 10) / 10,
    down: down.map((d) => ({ id: d.id, name: d.name, vendor: d.vendor, lastError: d.last_error, lastHealthCheck: d.last_health_check?.toISOString() ?? null })),
  };
}

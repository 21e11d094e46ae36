import type { QualityReport } from '@ai-arm/schemas';
import type { TelemetryDb } from '../stores/clickhouse/client';
import { millisText } from '../stores/clickhouse/time-text';
import type { SqlExecutor } from '../stores/postgres/types';
import { figuresBy } from './figures/figures';

export interface ReportQuery {
  organizationId: string;
  from: Date;
  to: Date;
}

/** Count of rows per agent of a telemetry table over the window (id as text). */
async function countsByAgent(telemetry: TelemetryDb, table: 'drift_events' | 'grounding_checks', at: 'detected_at' | 'checked_at', q: ReportQuery): Promise<Map<string, { all: number; hallucinations: number }>> {
  const hallucinations = table === 'grounding_checks' ? "countIf(verdict = 'HALLUCINATION')" : '0';
  const rows = await telemetry.query<{ agent: string; n: string; h: string }>(
    `SELECT toString(agent_id) AS agent, count() AS n, ${hallucinations} AS h FROM {db:Identifier}.${table} FINAL
      WHERE organization_id = {org:UUID} AND ${at} >= {from:DateTime64(3)} AND ${at} < {to:DateTime64(3)}
      GROUP BY agent_id`,
    { org: q.organizationId, from: millisText(q.from.getTime()), to: millisText(q.to.getTime()) },
  );
  return new Map(rows.map((r) => [r.agent, { all: Number(r.n), hallucinations: Number(r.h) }]));
}

/**
 * The organisation's quality over a window, one row per agent that served requests in it (agents
 * since removed are left out: nothing names them). Drift events and grounding checks are those of
 * the window; open alerts are those not resolved now, whenever raised. Rows by agent name.
 */
export async function qualityReport(telemetry: TelemetryDb, controlPlane: SqlExecutor, q: ReportQuery): Promise<QualityReport> {
  const [{ requests, figures }, drift, grounding] = await Promise.all([
    figuresBy(telemetry, q, 'agent'),
    countsByAgent(telemetry, 'drift_events', 'detected_at', q),
    countsByAgent(telemetry, 'grounding_checks', 'checked_at', q),
  ]);
  const ids = [...requests.keys()];
  const window = { from: q.from.toISOString(), to: q.to.toISOString() };
  if (ids.length === 0) return { ...window, agents: [] };
  const [agents, alerts] = await Promise.all([
    controlPlane.query<{ id: string; name: string; vendor: string }>('SELECT id, name, vendor FROM agents WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY name, id', [q.organizationId, ids]),
    controlPlane.query<{ agent_id: string; n: number | string }>(
      "SELECT agent_id, count(*) AS n FROM quality_alerts WHERE organization_id = $1 AND agent_id = ANY($2::uuid[]) AND status <> 'RESOLVED' GROUP BY agent_id",
      [q.organizationId, ids],
    ),
  ]);
  const open = new Map(alerts.map((a) => [a.agent_id, Number(a.n)]));
  return {
    ...window,
    agents: agents.map((a) => ({
      agentId: a.id,
      name: a.name,
      vendor: a.vendor,
      figures: figures.get(a.id)!,
      driftEvents: drift.get(a.id)?.all ?? 0,
      groundingChecks: grounding.get(a.id)?.all ?? 0,
      hallucinations: grounding.get(a.id)?.hallucinations ?? 0,
      openAlerts: open.get(a.id) ?? 0,
    })),
  };
}

import type { DriftEvent } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';

interface Row {
  id: string;
  agent_id: string;
  detected: string;
  metric: DriftEvent['metric'];
  method: DriftEvent['method'];
  baseline_value: number;
  current_value: number;
  deviation: number;
  psi: number | null;
  direction: DriftEvent['direction'];
  b_from: string;
  b_to: string;
  baseline_samples: string | number;
  c_from: string;
  c_to: string;
  current_samples: string | number;
  version: number | null;
  version_changed: number;
  samples: string[];
}

// No alias takes a column's name: in WHERE it would stand for the text, not the column.
const COLUMNS = `id, agent_id, toString(detected_at) AS detected, metric, method, baseline_value, current_value, deviation, psi, direction,
  toString(baseline_from) AS b_from, toString(baseline_to) AS b_to, baseline_samples, toString(current_from) AS c_from, toString(current_to) AS c_to, current_samples,
  version, version_changed, samples`;

function toEvent(r: Row): DriftEvent {
  return {
    id: r.id,
    agentId: r.agent_id,
    detectedAt: iso(r.detected),
    metric: r.metric,
    method: r.method,
    baselineValue: Number(r.baseline_value),
    currentValue: Number(r.current_value),
    deviation: Number(r.deviation),
    psi: r.psi === null ? null : Number(r.psi),
    direction: r.direction,
    baseline: { from: iso(r.b_from), to: iso(r.b_to), samples: Number(r.baseline_samples) },
    current: { from: iso(r.c_from), to: iso(r.c_to), samples: Number(r.current_samples) },
    version: r.version === null ? null : Number(r.version),
    versionChanged: Number(r.version_changed) === 1,
    samples: r.samples,
  };
}

export interface DriftQuery {
  organizationId: string;
  agentId: string;
  /** detected_at in [from, to) */
  from: Date;
  to: Date;
  limit: number;
}

/**
 * An agent's drift events, newest first. Rows are replaced by id only when their sorting key
 * matches, so an event two replicas stored at once may have two rows: one per id is kept (the first detection).
 */
export async function listDriftEvents(telemetry: TelemetryDb, q: DriftQuery): Promise<DriftEvent[]> {
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.drift_events FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND detected_at >= {from:DateTime64(3, 'UTC')} AND detected_at < {to:DateTime64(3, 'UTC')}
      ORDER BY detected_at DESC, id DESC LIMIT 1 BY id LIMIT {n:UInt32}`,
    { org: q.organizationId, agent: q.agentId, from: millisText(q.from.getTime()), to: millisText(q.to.getTime()), n: q.limit },
  );
  return rows.map(toEvent);
}

/** One drift event of the agent, or null. */
export async function readDriftEvent(telemetry: TelemetryDb, organizationId: string, agentId: string, id: string): Promise<DriftEvent | null> {
  const [row] = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.drift_events FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND id = {id:UUID} ORDER BY detected_at LIMIT 1`,
    { org: organizationId, agent: agentId, id },
  );
  return row ? toEvent(row) : null;
}

import type { DriftEvent } from '@ai-arm/schemas';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';

/** A drift event as its drift_events row. */
export function driftRow(organizationId: string, e: DriftEvent, ingestedAtMs: number): Record<string, unknown> {
  const ms = (t: string) => millisText(Date.parse(t));
  return {
    organization_id: organizationId,
    agent_id: e.agentId,
    id: e.id,
    detected_at: ms(e.detectedAt),
    metric: e.metric,
    method: e.method,
    baseline_value: e.baselineValue,
    current_value: e.currentValue,
    deviation: e.deviation,
    psi: e.psi,
    direction: e.direction,
    baseline_from: ms(e.baseline.from),
    baseline_to: ms(e.baseline.to),
    baseline_samples: e.baseline.samples,
    current_from: ms(e.current.from),
    current_to: ms(e.current.to),
    current_samples: e.current.samples,
    version: e.version,
    version_changed: e.versionChanged ? 1 : 0,
    samples: e.samples,
    ingested_at: millisText(ingestedAtMs),
  };
}

/**
 * Stores the events not stored before (by id) and returns them. An event found again keeps its
 * first row: its detectedAt is when drift was first seen in that window. Two replicas checking
 * at once may both write one (same id); reads keep one row per id.
 */
export async function storeNewDriftEvents(telemetry: TelemetryDb, organizationId: string, agentId: string, events: readonly DriftEvent[], nowMs: number): Promise<DriftEvent[]> {
  if (events.length === 0) return [];
  const known = await telemetry.query<{ id: string }>(
    'SELECT DISTINCT id FROM {db:Identifier}.drift_events FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND id IN {ids:Array(UUID)}',
    { org: organizationId, agent: agentId, ids: events.map((e) => e.id) },
  );
  const seen = new Set(known.map((k) => k.id));
  const fresh = events.filter((e) => !seen.has(e.id));
  if (fresh.length > 0) await telemetry.insert('drift_events', fresh.map((e) => driftRow(organizationId, e, nowMs)));
  return fresh;
}

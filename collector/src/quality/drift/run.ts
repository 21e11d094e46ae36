import type { DriftEvent, QualitySettings } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Embedder } from '../../embeddings/embedder';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { asTenant } from '../../stores/tenant-scope';
import { detectDrift } from './detect';
import { storeNewDriftEvents } from './store';

export interface DriftDeps {
  telemetry: TelemetryDb;
  controlPlane: ControlPlaneDb;
  /** Answer-embedding drift runs only with one (and content capture on). */
  embedder?: Embedder | null;
  log?: Logger;
}

/** Detects drift of one agent at nowMs with these settings and stores the events (idempotent: the id derives from org, agent, metric and the current window's start); returns the events stored by this call that were not stored before. */
export async function runDriftCheck(deps: DriftDeps, organizationId: string, agentId: string, settings: QualitySettings, nowMs: number): Promise<DriftEvent[]> {
  return asTenant(organizationId, async () => {
    const { events, measured } = await detectDrift(deps, organizationId, agentId, settings, nowMs);
    deps.log?.debug({ organizationId, agentId, measured }, 'drift check');
    const fresh = await storeNewDriftEvents(deps.telemetry, organizationId, agentId, events, nowMs);
    if (fresh.length > 0) deps.log?.info({ organizationId, agentId, drift: fresh.map((e) => ({ id: e.id, metric: e.metric, direction: e.direction, deviation: e.deviation, psi: e.psi })) }, 'drift detected');
    return fresh;
  });
}

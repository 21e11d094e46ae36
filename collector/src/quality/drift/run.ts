import type { DriftEvent, QualitySettings } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Embedder } from '../../embeddings/embedder';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';

export interface DriftDeps {
  telemetry: TelemetryDb;
  controlPlane: ControlPlaneDb;
  embedder?: Embedder | null;
  log?: Logger;
}

/** Detects drift of one agent at nowMs with these settings and stores the events (idempotent: the id derives from org, agent, metric and the current window's start); returns the events stored by this call that were not stored before. */
export async function runDriftCheck(_deps: DriftDeps, _organizationId: string, _agentId: string, _settings: QualitySettings, _nowMs: number): Promise<DriftEvent[]> {
  return [];
}

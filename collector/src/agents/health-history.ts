import type { AgentHealthHistory } from '@ai-arm/schemas';
import type { TelemetryDb } from '../stores/clickhouse/client';
import { iso } from '../stores/clickhouse/time-text';
import type { AgentView } from './store';

/** At most this many checks per answer: a 90-day range of minute checks would be too many to draw. */
const MAX_CHECKS = 2000;

/** `24h`, `7d`, ... in seconds. */
export const rangeSeconds = (range: string): number => Number(range.slice(0, -1)) * (range.endsWith('d') ? 86_400 : 3_600);

/** The agent's health checks since `from`, newest first, with its current health and last error. */
export async function healthHistory(telemetry: TelemetryDb, a: AgentView, from: Date): Promise<AgentHealthHistory> {
  const checks = await telemetry.query<{ at: string; status: AgentView['health']; latency_ms: number; error_rate: number; details: string }>(
    `SELECT toString(timestamp) AS at, status, latency_ms, error_rate, details FROM {db:Identifier}.agent_health_checks
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND timestamp >= fromUnixTimestamp64Milli({from:Int64})
      ORDER BY timestamp DESC LIMIT ${MAX_CHECKS}`,
    { db: telemetry.database, org: a.organizationId, agent: a.id, from: from.getTime() },
  );
  return {
    agent: { id: a.id, status: a.status, health: a.health, healthScore: a.healthScore, lastHealthCheck: a.lastHealthCheck, lastError: a.lastError },
    checks: checks.map((c) => ({ timestamp: iso(c.at), status: c.status, latencyMs: Number(c.latency_ms), errorRate: Number(c.error_rate), details: safeJson(c.details) })),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

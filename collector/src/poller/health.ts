import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HealthStatus } from '@ai-arm/schemas';
import type { Connector } from '../connectors/types';
import { healthToLabel, type ErrorType, type GenAiProviderName, type Instruments } from '../metrics/instruments.generated';
import type { BatchWriter } from '../stores/clickhouse/batch-writer';
import type { TelemetryDb } from '../stores/clickhouse/client';
import type { SqlExecutor } from '../stores/postgres/types';
import type { ActivityLog } from '../logs/activity';
import { judgeHealth, type HealthRules } from './health-rules';

export interface HealthDeps {
  db: SqlExecutor;
  /** Reads the last hour's checks. */
  telemetry: TelemetryDb;
  /** Stores this run's checks, before the verdicts they back are recorded on the agents. */
  writer: Pick<BatchWriter, 'store'>;
  metrics: Instruments;
  rules: HealthRules;
  log: Logger;
  activity?: ActivityLog | undefined;
}

export interface HealthTarget {
  organizationId: string;
  connectionId: string;
  provider: GenAiProviderName;
  connector: Connector;
  /** Check only these agents (a health check asked for through the API). */
  agentIds?: string[];
}

const STATUSES: HealthStatus[] = ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN'];
const PARALLEL_PROBES = 4;

/**
 * Checks every active agent of one connection now: probes the vendor, judges the result
 * by the health rules against the last hour, stores each check in ClickHouse and the
 * verdict on the agent. Paused agents are skipped.
 */
export async function runHealthChecks(deps: HealthDeps, target: HealthTarget): Promise<Record<HealthStatus, number>> {
  target.connector.startHealthRun();
  const agents = await deps.db.query<{ id: string; vendor: string; vendor_agent_id: string; model: string; active_probe: boolean; consecutive_failures: number; health: HealthStatus }>(
    `SELECT id, vendor, vendor_agent_id, config->>'model' AS model, active_probe, consecutive_failures, health FROM agents
      WHERE organization_id = $1 AND connection_id = $2 AND status <> 'PAUSED' AND vanished_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[])) ORDER BY id`,
    [target.organizationId, target.connectionId, target.agentIds ?? null],
  );
  const history = new Map(
    (
      await deps.telemetry.query<{ agent_id: string; n: number; latency: number; errors: number }>(
        `SELECT toString(agent_id) AS agent_id, count() AS n, avg(latency_ms) AS latency, avg(error_rate) AS errors
           FROM {db:Identifier}.agent_health_checks
          WHERE organization_id = {org:UUID} AND timestamp > now64(3) - INTERVAL 1 HOUR GROUP BY agent_id`,
        { org: target.organizationId },
      )
    ).map((r) => [r.agent_id, r]),
  );
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<HealthStatus, number>;
  const checks: Record<string, unknown>[] = [];
  const verdicts: { id: string; status: HealthStatus; score: number; failures: number; error: string | null }[] = [];
  const timestamp = new Date().toISOString();

  for (let i = 0; i < agents.length; i += PARALLEL_PROBES) {
    await Promise.all(
      agents.slice(i, i + PARALLEL_PROBES).map(async (agent) => {
        const probe = await target.connector.checkHealth({ vendorAgentId: agent.vendor_agent_id, model: agent.model ?? '', activeProbe: agent.active_probe });
        deps.metrics.genAiClientOperationDuration.record(probe.latencyMs / 1000, {
          // An active probe is a real chat request; a passive one asks the vendor about the agent.
          organization_id: target.organizationId,
          gen_ai_operation_name: agent.active_probe ? 'chat' : 'invoke_agent',
          gen_ai_provider_name: target.provider,
          gen_ai_request_model: agent.model ?? '',
          ...(probe.status === 'HEALTHY' ? {} : { error_type: probeErrorType(probe.details.httpStatus) }),
        });
        const failed = probe.status !== 'HEALTHY' ? 1 : 0;
        const past = history.get(agent.id);
        const n = past?.n ?? 0;
        const lastHour = {
          avgLatencyMs: ((past?.latency ?? 0) * n + probe.latencyMs) / (n + 1),
          errorRate: ((past?.errors ?? 0) * n + failed) / (n + 1),
        };
        const verdict = judgeHealth(probe, agent.consecutive_failures, lastHour, deps.rules);
        counts[verdict.status]++;
        checks.push({
          organization_id: target.organizationId,
          agent_id: agent.id,
          id: randomUUID(),
          timestamp,
          status: verdict.status,
          latency_ms: probe.latencyMs,
          error_rate: failed,
          details: JSON.stringify({ ...probe.details, ...(verdict.error ? { error: verdict.error } : {}) }),
        });
        verdicts.push({ id: agent.id, status: verdict.status, score: verdict.healthScore, failures: verdict.consecutiveFailures, error: verdict.error });
        if (verdict.status !== agent.health) deps.activity?.healthChanged({ organizationId: target.organizationId, agentId: agent.id, vendor: agent.vendor, from: agent.health, to: verdict.status, error: verdict.error });
        reportHealth(deps.metrics, target.organizationId, target.provider, agent.id, verdict.status);
      }),
    );
  }
  await deps.writer.store('agent_health_checks', checks);
  if (verdicts.length > 0) {
    await deps.db.query(
      `UPDATE agents a SET health = v.status, health_score = v.score, consecutive_failures = v.failures, last_error = v.error, last_health_check = $2, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, score int, failures int, error text)
        WHERE a.id = v.id AND a.organization_id = $3`,
      [JSON.stringify(verdicts), timestamp, target.organizationId],
    );
  }
  const idle = await deps.db.query<{ id: string; paused: boolean }>(
    "SELECT id, status = 'PAUSED' AS paused FROM agents WHERE organization_id = $1 AND connection_id = $2 AND (vanished_at IS NOT NULL OR status = 'PAUSED')",
    [target.organizationId, target.connectionId],
  );
  // A paused agent is in no health state, so no health alert fires for it.
  for (const a of idle) reportHealth(deps.metrics, target.organizationId, target.provider, a.id, a.paused ? null : 'DOWN');
  deps.log.debug({ connection: target.connectionId, ...counts }, 'health checks done');
  return counts;
}

/** The OTel error.type of a failed probe, from the vendor's HTTP status when there was one. */
function probeErrorType(status: number | undefined): ErrorType {
  if (status === undefined) return '_OTHER';
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status === 401 || status === 403) return 'auth_error';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return '_OTHER';
}

/** The health state set of one agent: 1 on its status, 0 on the others (all 0 when paused). */
export function reportHealth(metrics: Instruments, organizationId: string, provider: GenAiProviderName, agentId: string, status: HealthStatus | null): void {
  for (const s of STATUSES) metrics.agentHealth.set(s === status ? 1 : 0, { organization_id: organizationId, gen_ai_provider_name: provider, gen_ai_agent_id: agentId, health_status: healthToLabel(s) });
}

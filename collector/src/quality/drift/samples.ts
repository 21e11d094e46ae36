import type { Interaction, InteractionContent } from '@ai-arm/schemas';
import { usdText, usdToAtto } from '../../costs/money';
import { iso } from '../../interactions/reads';
import { millisText } from '../../interactions/rows';
import { versionNumbers } from '../../interactions/versions';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { SqlExecutor } from '../../stores/postgres/types';

interface Row {
  id: string;
  agent_id: string;
  source: 'otlp' | 'api';
  started: string;
  duration_ms: number;
  ttft_ms: number | null;
  provider: string;
  operation: string;
  request_model: string;
  response_model: string;
  version_fingerprint: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost: string | null;
  status: 'ok' | 'error';
  policy_action: '' | 'warn' | 'block';
  error_type: string;
  conversation_id: string;
  trace_id: string;
  span_id: string;
  content: string;
}

// The columns and mapping of interactions/reads.ts (which keeps its own private): an interaction reads the same here as in the agent's list.
const COLUMNS = `id, agent_id, source, toString(started_at) AS started, duration_ms, ttft_ms, provider, operation, request_model, response_model, version_fingerprint,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, toString(cost_usd) AS cost, status, policy_action, error_type, conversation_id, trace_id, span_id, content`;
const orNull = (s: string) => (s === '' ? null : s);

/**
 * The agent's interactions with these ids in [from, to) (a drift event's current window: the
 * range keeps the read to the event's part of the table), in the order of `ids`.
 */
export async function interactionsByIds(telemetry: TelemetryDb, controlPlane: SqlExecutor, organizationId: string, agentId: string, ids: readonly string[], from: Date, to: Date): Promise<Interaction[]> {
  if (ids.length === 0) return [];
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.interactions FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')} AND id IN {ids:Array(String)}`,
    { org: organizationId, agent: agentId, from: millisText(from.getTime()), to: millisText(to.getTime()), ids: [...ids] },
  );
  const versions = await versionNumbers(controlPlane, organizationId, [agentId]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toInteraction(r, versions)] : [];
  });
}

function toInteraction(r: Row, versions: Map<string, number>): Interaction {
  return {
    id: r.id,
    agentId: r.agent_id,
    source: r.source,
    startedAt: iso(r.started),
    latencyMs: r.duration_ms,
    timeToFirstTokenMs: r.ttft_ms,
    vendor: r.provider,
    operation: r.operation,
    model: r.request_model,
    responseModel: r.response_model,
    version: versions.get(`${r.agent_id}|${r.version_fingerprint}`) ?? null,
    tokens: { input: r.input_tokens, output: r.output_tokens, cacheRead: r.cache_read_tokens, cacheWrite: r.cache_write_tokens },
    costUsd: r.cost === null ? null : usdText(usdToAtto(r.cost)),
    status: r.status,
    policyAction: r.policy_action === '' ? null : r.policy_action,
    errorType: orNull(r.error_type),
    conversationId: orNull(r.conversation_id),
    traceId: orNull(r.trace_id),
    spanId: orNull(r.span_id),
    content: r.content === '' ? null : (JSON.parse(r.content) as InteractionContent),
  };
}

import type { Conversation, Interaction, InteractionContent } from '@ai-arm/schemas';
import { usdText, usdToAtto } from '../costs/money';
import { calendarMs } from '../costs/periods';
import type { TelemetryDb } from '../stores/clickhouse/client';
import { iso, millisText } from '../stores/clickhouse/time-text';
import type { SqlExecutor } from '../stores/postgres/types';
import { USER_ATTRIBUTE } from './rows';
import { versionNumbers } from './versions';

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
  user_id: string;
  trace_id: string;
  span_id: string;
  content: string;
}

const COLUMNS = `id, agent_id, source, toString(started_at) AS started, duration_ms, ttft_ms, provider, operation, request_model, response_model, version_fingerprint,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, toString(cost_usd) AS cost, status, policy_action, error_type, conversation_id, attributes['${USER_ATTRIBUTE}'] AS user_id, trace_id, span_id, content`;

const orNull = (s: string) => (s === '' ? null : s);

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
    userId: orNull(r.user_id),
    traceId: orNull(r.trace_id),
    spanId: orNull(r.span_id),
    content: r.content === '' ? null : (JSON.parse(r.content) as InteractionContent),
  };
}

export interface InteractionQuery {
  organizationId: string;
  agentId: string;
  /** RFC 3339; default: 24 hours before `to`. */
  from: Date;
  to: Date;
  status?: 'ok' | 'error';
  limit: number;
  cursor?: string;
}

/** The cursor is the last row's (started_at, id): the page after it is everything before it in (started_at desc, id desc). */
export function encodeCursor(startedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([startedAt, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor back as (time, id), or null unless this API could have given it out: a time of the
 * calendar (a tampered one reached ClickHouse as a 500, or matched nothing) and, where the rows'
 * ids are UUIDs, a UUID.
 */
export function decodeCursor(cursor: string, id: 'uuid' | 'text' = 'text'): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') return null;
    const [at, key] = v as [string, string];
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(at) || Number.isNaN(calendarMs(`${at.slice(0, 19).replace(' ', 'T')}Z`))) return null;
    if (id === 'uuid' && !UUID.test(key)) return null;
    return [at, key];
  } catch {
    return null; // not base64url JSON: not ours
  }
}

/** An agent's interactions, newest first, a page at a time. */
export async function listInteractions(telemetry: TelemetryDb, controlPlane: SqlExecutor, q: InteractionQuery, after: [string, string] | null): Promise<{ items: Interaction[]; nextCursor: string | null }> {
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.interactions FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND started_at >= {from:DateTime64(6)} AND started_at < {to:DateTime64(6)}
        ${q.status ? 'AND status = {status:String}' : ''} ${after ? 'AND (started_at, id) < ({afterAt:DateTime64(6)}, {afterId:String})' : ''}
      ORDER BY started_at DESC, id DESC LIMIT {n:UInt32}`,
    { org: q.organizationId, agent: q.agentId, from: millisText(q.from.getTime()), to: millisText(q.to.getTime()), status: q.status ?? '', afterAt: after?.[0] ?? '1970-01-01 00:00:00', afterId: after?.[1] ?? '', n: q.limit + 1 },
  );
  const page = rows.slice(0, q.limit);
  const versions = await versionNumbers(controlPlane, q.organizationId, [q.agentId]);
  const last = page[page.length - 1];
  return { items: page.map((r) => toInteraction(r, versions)), nextCursor: rows.length > q.limit && last ? encodeCursor(last.started, last.id) : null };
}

/** Most requests one conversation page shows: a runaway loop must not answer megabytes. */
export const CONVERSATION_MAX = 1000;

/** Every interaction of a conversation, across agents, in the order they started; null when there is none. */
export async function readConversation(telemetry: TelemetryDb, controlPlane: SqlExecutor, organizationId: string, id: string): Promise<Conversation | null> {
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.interactions FINAL WHERE organization_id = {org:UUID} AND conversation_id = {id:String} ORDER BY started_at, id LIMIT {n:UInt32}`,
    { org: organizationId, id, n: CONVERSATION_MAX },
  );
  if (rows.length === 0) return null;
  const agentIds = [...new Set(rows.map((r) => r.agent_id))];
  const versions = await versionNumbers(controlPlane, organizationId, agentIds);
  const items = rows.map((r) => toInteraction(r, versions));
  const ends = items.map((i) => Date.parse(i.startedAt) + i.latencyMs);
  return { id, agentIds, startedAt: items[0]!.startedAt, endedAt: new Date(Math.max(...ends)).toISOString(), interactions: items };
}

/**
 * The agent's interactions with these ids in [from, to) (a drift event's samples: the range keeps
 * the read to the event's window), in the order of `ids`; ids not found are left out.
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

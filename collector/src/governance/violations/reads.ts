import type { PolicyViolation, Severity, ViolationMatch } from '@ai-arm/schemas';
import { encodeCursor } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';
import type { SqlExecutor } from '../../stores/postgres/types';

export interface ViolationQuery {
  organizationId: string;
  from: Date;
  to: Date;
  policyId?: string;
  agentId?: string;
  severity?: Severity;
  status?: 'open' | 'reviewed';
  limit: number;
}

interface Row {
  id: string;
  policy_id: string;
  policy_version: number;
  policy_name: string;
  enforcement: PolicyViolation['enforcement'];
  severity: Severity;
  action: PolicyViolation['action'];
  agent_id: string | null;
  interaction_id: string;
  source: PolicyViolation['source'];
  occurred: string;
  matches: string;
}

interface ReviewRow {
  violation_id: string;
  reviewer: string;
  decision: NonNullable<PolicyViolation['review']>['decision'];
  note: string;
  reviewed_at: Date;
}

// UUIDs read as their text; no alias may take a column's name, or WHERE would compare the text.
const COLUMNS = 'id, policy_id, policy_version, policy_name, enforcement, severity, action, agent_id, interaction_id, source, toString(occurred_at) AS occurred, matches';


function toViolation(r: Row, review: ReviewRow | undefined): PolicyViolation {
  return {
    id: r.id,
    policyId: r.policy_id,
    policyVersion: Number(r.policy_version),
    policyName: r.policy_name,
    enforcement: r.enforcement,
    severity: r.severity,
    action: r.action,
    agentId: r.agent_id,
    interactionId: r.interaction_id === '' ? null : r.interaction_id,
    source: r.source,
    occurredAt: iso(r.occurred),
    matches: JSON.parse(r.matches) as ViolationMatch[],
    status: review ? 'reviewed' : 'open',
    review: review ? { reviewer: review.reviewer, decision: review.decision, note: review.note, reviewedAt: review.reviewed_at.toISOString() } : null,
  };
}

/** The reviews of these violations, by violation id. */
async function reviewsOf(controlPlane: SqlExecutor, organizationId: string, ids: string[]): Promise<Map<string, ReviewRow>> {
  if (ids.length === 0) return new Map();
  const rows = await controlPlane.query<ReviewRow>(
    'SELECT violation_id, reviewer, decision, note, reviewed_at FROM violation_reviews WHERE organization_id = $1 AND violation_id = ANY($2::uuid[])',
    [organizationId, ids],
  );
  return new Map(rows.map((r) => [r.violation_id, r]));
}

/**
 * Ids of the reviewed violations among those the query asks for: reviews are people's work, a
 * few thousand at most in a window, so the open/reviewed filter goes to ClickHouse as a list.
 */
async function reviewedIds(controlPlane: SqlExecutor, q: ViolationQuery): Promise<string[]> {
  const rows = await controlPlane.query<{ violation_id: string }>(
    `SELECT violation_id FROM violation_reviews
      WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND ($4::uuid IS NULL OR policy_id = $4) AND ($5::text IS NULL OR severity = $5)`,
    [q.organizationId, q.from, q.to, q.policyId ?? null, q.severity ?? null],
  );
  return rows.map((r) => r.violation_id);
}

/** Violations, newest first, a page at a time; the cursor is the last one's (occurred_at, id). */
export async function listViolations(telemetry: TelemetryDb, controlPlane: SqlExecutor, q: ViolationQuery, after: [string, string] | null): Promise<{ items: PolicyViolation[]; nextCursor: string | null }> {
  const reviewed = q.status ? await reviewedIds(controlPlane, q) : [];
  if (q.status === 'reviewed' && reviewed.length === 0) return { items: [], nextCursor: null };
  const filters = [
    q.policyId ? 'AND policy_id = {policy:UUID}' : '',
    q.agentId ? 'AND agent_id = {agent:UUID}' : '',
    q.severity ? 'AND severity = {severity:String}' : '',
    q.status === 'reviewed' ? 'AND id IN {reviewed:Array(UUID)}' : q.status === 'open' && reviewed.length > 0 ? 'AND id NOT IN {reviewed:Array(UUID)}' : '',
    after ? 'AND (occurred_at, id) < ({afterAt:DateTime64(3)}, {afterId:UUID})' : '',
  ].join(' ');
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.policy_violations FINAL
      WHERE organization_id = {org:UUID} AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)} ${filters}
      ORDER BY occurred_at DESC, id DESC LIMIT {n:UInt32}`,
    {
      org: q.organizationId, from: millisText(q.from.getTime()), to: millisText(q.to.getTime()), policy: q.policyId ?? '', agent: q.agentId ?? '', severity: q.severity ?? '',
      reviewed, afterAt: after?.[0] ?? '1970-01-01 00:00:00', afterId: after?.[1] ?? '00000000-0000-0000-0000-000000000000', n: q.limit + 1,
    },
  );
  const page = rows.slice(0, q.limit);
  const reviews = await reviewsOf(controlPlane, q.organizationId, page.map((r) => r.id));
  const last = page[page.length - 1];
  return { items: page.map((r) => toViolation(r, reviews.get(r.id))), nextCursor: rows.length > q.limit && last ? encodeCursor(last.occurred, last.id) : null };
}

/** One violation of the organisation, or null. */
export async function readViolation(telemetry: TelemetryDb, controlPlane: SqlExecutor, organizationId: string, id: string): Promise<PolicyViolation | null> {
  const [row] = await telemetry.query<Row>(`SELECT ${COLUMNS} FROM {db:Identifier}.policy_violations FINAL WHERE organization_id = {org:UUID} AND id = {id:UUID} LIMIT 1`, { org: organizationId, id });
  if (!row) return null;
  const reviews = await reviewsOf(controlPlane, organizationId, [row.id]);
  return toViolation(row, reviews.get(row.id));
}

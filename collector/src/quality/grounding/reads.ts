import type { GroundedClaim, GroundingVerdict, HallucinationCheck } from '@ai-arm/schemas';
import { encodeCursor } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso } from '../../stores/clickhouse/time-text';
import type { CheckedClaim } from './check-rules';
import { flaggedOf } from './verdict';

export interface GroundingQuery {
  organizationId: string;
  agentId: string;
  verdict?: GroundingVerdict;
  limit: number;
}

interface Row {
  id: string;
  agent_id: string;
  interaction_id: string;
  checked: string;
  method: HallucinationCheck['method'];
  verdict: GroundingVerdict;
  score: number;
  claims: string;
  response: string;
}

// No alias takes a column's name: WHERE would compare the alias (the text) instead.
const COLUMNS = 'id, agent_id, interaction_id, toString(checked_at) AS checked, method, verdict, score, claims, response';

/** A stored check as the API shows it; flaggedClaims are rebuilt from the claims (with the corrections kept). */
export function toCheck(r: Row): HallucinationCheck {
  const claims = JSON.parse(r.claims) as CheckedClaim[];
  return {
    id: r.id,
    agentId: r.agent_id,
    interactionId: r.interaction_id === '' ? null : r.interaction_id,
    checkedAt: iso(r.checked),
    method: r.method,
    verdict: r.verdict,
    score: Number(r.score),
    claims: claims.map(({ suggestedCorrection: _s, ...c }) => c as GroundedClaim),
    flaggedClaims: flaggedOf(claims),
    response: r.response === '' ? null : r.response,
  };
}

/** An agent's grounding checks, newest first, a page at a time; the cursor is the last one's (checked_at, id). */
export async function listGroundingChecks(telemetry: TelemetryDb, q: GroundingQuery, after: [string, string] | null): Promise<{ items: HallucinationCheck[]; nextCursor: string | null }> {
  const rows = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.grounding_checks FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID}
        ${q.verdict ? 'AND verdict = {verdict:String}' : ''}
        ${after ? 'AND (checked_at, id) < ({afterAt:DateTime64(3)}, {afterId:UUID})' : ''}
      ORDER BY checked_at DESC, id DESC LIMIT {n:UInt32}`,
    { org: q.organizationId, agent: q.agentId, verdict: q.verdict ?? '', afterAt: after?.[0] ?? '1970-01-01 00:00:00', afterId: after?.[1] ?? '00000000-0000-0000-0000-000000000000', n: q.limit + 1 },
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(toCheck), nextCursor: rows.length > q.limit && last ? encodeCursor(last.checked, last.id) : null };
}

/** One check of the agent, or null. */
export async function readGroundingCheck(telemetry: TelemetryDb, organizationId: string, agentId: string, id: string): Promise<HallucinationCheck | null> {
  const [row] = await telemetry.query<Row>(
    `SELECT ${COLUMNS} FROM {db:Identifier}.grounding_checks FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND id = {id:UUID} LIMIT 1`,
    { org: organizationId, agent: agentId, id },
  );
  return row ? toCheck(row) : null;
}

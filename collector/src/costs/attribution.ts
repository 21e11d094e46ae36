import type { Vendor } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import { ApiError } from '../errors';
import { inTransaction, type ControlPlaneDb, type SqlExecutor } from '../stores/postgres/types';

/** Usage of an API key, or of a whole project (OpenAI) or workspace (Anthropic), belongs to an agent. */
export interface AttributionRule {
  vendor: Vendor;
  matchKind: 'api_key' | 'project';
  matchValue: string;
  agentId: string;
}

/** An organisation's attribution rules, kept in the control plane and applied when costs are read. */
export class AttributionStore {
  constructor(private readonly db: SqlExecutor) {}

  async list(organizationId: string): Promise<AttributionRule[]> {
    return this.db.query<AttributionRule>(
      `SELECT vendor, match_kind AS "matchKind", match_value AS "matchValue", agent_id AS "agentId"
         FROM attribution_rules WHERE organization_id = $1 ORDER BY vendor, match_kind, match_value`,
      [organizationId],
    );
  }

  /** Replaces the whole set at once, so a mapping and its history never disagree halfway. */
  async replace(organizationId: string, rules: readonly AttributionRule[]): Promise<AttributionRule[]> {
    const seen = new Set<string>();
    for (const [i, r] of rules.entries()) {
      const key = `${r.vendor}|${r.matchKind}|${r.matchValue}`;
      if (seen.has(key)) throw new ApiError('VALIDATION_ERROR', `rule ${i} repeats ${r.vendor} ${r.matchKind} ${r.matchValue}`, { field: `body/rules/${i}` });
      seen.add(key);
    }
    const agentIds = [...new Set(rules.map((r) => r.agentId))];
    if (agentIds.length > 0) {
      const found = await this.db.query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND id = ANY($2::uuid[])', [organizationId, agentIds]);
      const known = new Set(found.map((a) => a.id));
      const missing = agentIds.filter((id) => !known.has(id));
      if (missing.length > 0) throw new ApiError('VALIDATION_ERROR', `unknown agent ${missing.join(', ')}`, { field: 'body/rules', agentIds: missing });
    }
    await inTransaction(this.db, async (tx) => {
      await tx.query('DELETE FROM attribution_rules WHERE organization_id = $1', [organizationId]);
      for (const r of rules) {
        await tx.query('INSERT INTO attribution_rules (organization_id, vendor, match_kind, match_value, agent_id) VALUES ($1, $2, $3, $4, $5)', [
          organizationId,
          r.vendor,
          r.matchKind,
          r.matchValue,
          r.agentId,
        ]);
      }
    });
    return this.list(organizationId);
  }
}

/**
 * The rules as a ClickHouse expression giving each usage row its agent id ('' when no rule
 * matches), with the parameters it reads. A key rule beats a project rule.
 */
export function agentExpression(rules: readonly AttributionRule[]): { sql: string; params: Record<string, string[]> } {
  const keys = rules.filter((r) => r.matchKind === 'api_key');
  const projects = rules.filter((r) => r.matchKind === 'project');
  let sql = `''`;
  const params: Record<string, string[]> = {};
  if (projects.length > 0) {
    sql = `transform(concat(vendor, '|', project_id), {attrProjects:Array(String)}, {attrProjectAgents:Array(String)}, '')`;
    params.attrProjects = projects.map((r) => `${r.vendor}|${r.matchValue}`);
    params.attrProjectAgents = projects.map((r) => r.agentId);
  }
  if (keys.length > 0) {
    sql = `transform(concat(vendor, '|', api_key_id), {attrKeys:Array(String)}, {attrKeyAgents:Array(String)}, ${sql})`;
    params.attrKeys = keys.map((r) => `${r.vendor}|${r.matchValue}`);
    params.attrKeyAgents = keys.map((r) => r.agentId);
  }
  return { sql, params };
}

/** Replaces an organisation's attribution rules, audited with the rules before and after. */
export async function replaceAttribution(db: ControlPlaneDb, request: AuditedRequest, rules: readonly AttributionRule[]): Promise<AttributionRule[]> {
  return (await audited(db, request, async (tx) => {
    const store = new AttributionStore(tx);
    const before = await store.list(request.organizationId);
    const after = await store.replace(request.organizationId, rules);
    return { result: after, audit: { action: 'attribution.replace', resourceType: 'attribution_rules', resourceId: null, before: { rules: before }, after: { rules: after } } };
  }))!;
}

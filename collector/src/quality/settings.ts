import { chatVendor, chatVendorNames } from '../connectors/models';
import type { AgentQualitySettingsPatch, EvaluatorModel, QualitySettings, QualitySettingsPatch, QualitySettingsView } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import type { AuditedRequest } from '../audit/context';
import { ApiError } from '../errors';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';

/** Every quality setting's default, in one place: the README's table is checked against it. */
export const QUALITY_DEFAULTS: Readonly<QualitySettings> = Object.freeze({
  baselineHours: 168,
  currentHours: 24,
  sigma: 4,
  psi: 0.25,
  minSamples: 30,
  errorRateThreshold: 0.05,
  groundingFailureThreshold: 0.2,
  groundingSampleRate: 0.05,
});

interface Row {
  agent_id: string | null;
  settings: Partial<QualitySettings>;
  evaluator: EvaluatorModel | null;
}

/**
 * The quality monitor's settings: the defaults, the organisation's changes to them, and each
 * agent's overrides of those. Read by drift detection, the error-rate and grounding checks and
 * the grounding sampler; changed by admins, audited.
 */
export class QualitySettingsStore {
  constructor(private readonly db: ControlPlaneDb) {}

  /** What applies to one agent (or to the organisation, agentId null). */
  async effective(organizationId: string, agentId: string | null): Promise<QualitySettings> {
    const rows = await this.rows(this.db, organizationId);
    const org = rows.find((r) => r.agent_id === null)?.settings ?? {};
    const agent = agentId ? (rows.find((r) => r.agent_id === agentId)?.settings ?? {}) : {};
    return { ...QUALITY_DEFAULTS, ...org, ...agent };
  }

  /** The organisation's LLM judge, or null: grounding checks then run on rules alone. */
  async evaluator(organizationId: string): Promise<EvaluatorModel | null> {
    const rows = await this.rows(this.db, organizationId);
    return rows.find((r) => r.agent_id === null)?.evaluator ?? null;
  }

  async view(organizationId: string): Promise<QualitySettingsView> {
    const rows = await this.rows(this.db, organizationId);
    const own = rows.find((r) => r.agent_id === null);
    const organization = { ...QUALITY_DEFAULTS, ...(own?.settings ?? {}) };
    return {
      defaults: { ...QUALITY_DEFAULTS },
      organization,
      evaluator: own?.evaluator ?? null,
      agents: rows.filter((r) => r.agent_id !== null).map((r) => ({ agentId: r.agent_id!, overrides: r.settings, effective: { ...organization, ...r.settings } })),
    };
  }

  /** The organisation's settings and evaluator; `evaluator: null` turns the LLM judge off. */
  async patchOrganization(request: AuditedRequest, patch: QualitySettingsPatch): Promise<QualitySettingsView> {
    const org = request.organizationId;
    const { evaluator, ...settings } = patch;
    if (evaluator) await this.checkEvaluator(org, evaluator);
    await audited(this.db, request, async (tx) => {
      const rows = await this.rows(tx, org);
      const before = rows.find((r) => r.agent_id === null) ?? null;
      const next = { ...(before?.settings ?? {}), ...settings };
      const nextEvaluator = evaluator === undefined ? (before?.evaluator ?? null) : evaluator;
      checkWindows({ ...QUALITY_DEFAULTS, ...next });
      // And every agent's overrides over the new values: a shorter baseline for all could leave an
      // agent's own current window longer than the baseline it now gets.
      for (const r of rows.filter((x) => x.agent_id !== null)) checkWindows({ ...QUALITY_DEFAULTS, ...next, ...r.settings }, r.agent_id!);
      await tx.query(
        `INSERT INTO quality_settings (organization_id, agent_id, settings, evaluator, updated_by) VALUES ($1, NULL, $2, $3, $4)
         ON CONFLICT (organization_id, (coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid)))
         DO UPDATE SET settings = EXCLUDED.settings, evaluator = EXCLUDED.evaluator, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [org, JSON.stringify(next), nextEvaluator === null ? null : JSON.stringify(nextEvaluator), request.principal.actorName],
      );
      return { result: null, audit: { action: 'quality_settings.update', resourceType: 'quality_settings', resourceId: org, before: before ? { settings: before.settings, evaluator: before.evaluator } : null, after: { settings: next, evaluator: nextEvaluator } } };
    });
    return this.view(org);
  }

  /** One agent's overrides, merged into those it had. */
  async patchAgent(request: AuditedRequest, agentId: string, patch: AgentQualitySettingsPatch): Promise<QualitySettingsView> {
    const org = request.organizationId;
    const [agent] = await this.db.query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND id = $2', [org, agentId]);
    if (!agent) throw new ApiError('NOT_FOUND', `no agent ${agentId}`);
    await audited(this.db, request, async (tx) => {
      const rows = await this.rows(tx, org);
      const before = rows.find((r) => r.agent_id === agentId)?.settings ?? null;
      // null removes an override: the organisation's value applies again.
      const next: Partial<QualitySettings> = { ...(before ?? {}) };
      for (const [k, v] of Object.entries(patch) as [keyof QualitySettings, number | null][]) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      checkWindows({ ...QUALITY_DEFAULTS, ...(rows.find((r) => r.agent_id === null)?.settings ?? {}), ...next });
      await tx.query(
        `INSERT INTO quality_settings (organization_id, agent_id, settings, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, (coalesce(agent_id, '00000000-0000-0000-0000-000000000000'::uuid)))
         DO UPDATE SET settings = EXCLUDED.settings, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [org, agentId, JSON.stringify(next), request.principal.actorName],
      );
      return { result: null, audit: { action: 'quality_settings.update', resourceType: 'agent', resourceId: agentId, before, after: next } };
    });
    return this.view(org);
  }

  private rows(db: SqlExecutor, organizationId: string): Promise<Row[]> {
    return db.query<Row>('SELECT agent_id, settings, evaluator FROM quality_settings WHERE organization_id = $1', [organizationId]);
  }

  /** The judge runs on one of the organisation's own OpenAI or Anthropic connections. */
  private async checkEvaluator(organizationId: string, e: EvaluatorModel): Promise<void> {
    const [c] = await this.db.query<{ vendor: string }>('SELECT vendor FROM connections WHERE organization_id = $1 AND id = $2', [organizationId, e.connectionId]);
    if (!c) throw new ApiError('VALIDATION_ERROR', `no connection ${e.connectionId} in this organisation`, { field: 'body/evaluator/connectionId' });
    if (!chatVendor(c.vendor)) throw new ApiError('VALIDATION_ERROR', `the evaluator runs on an ${chatVendorNames()} connection, not ${c.vendor}`, { field: 'body/evaluator/connectionId' });
  }
}

function checkWindows(s: QualitySettings, agentId?: string): void {
  if (s.currentHours <= s.baselineHours) return;
  if (agentId) throw new ApiError('VALIDATION_ERROR', `agent ${agentId}'s current window (${s.currentHours} h) would be longer than the baseline (${s.baselineHours} h): change its override first`, { field: 'body/baselineHours', agentId });
  throw new ApiError('VALIDATION_ERROR', `the current window (${s.currentHours} h) must not be longer than the baseline (${s.baselineHours} h)`, { field: 'body/currentHours' });
}

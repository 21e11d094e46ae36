import type { DriftEvent, QualityAlertType, QualitySettings } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Embedder } from '../embeddings/embedder';
import type { Instruments } from '../metrics/instruments.generated';
import type { TelemetryDb } from '../stores/clickhouse/client';
import { millisText } from '../stores/clickhouse/time-text';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { asSystem, asTenant } from '../stores/tenant-scope';
import { QualityAlertStore, type AlertCondition } from './alerts/store';
import { runDriftCheck } from './drift/run';
import { QualitySettingsStore } from './settings';

export interface QualityMonitorDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  metrics: Instruments;
  log: Logger;
  /** Answer-embedding drift; without one, that metric is not watched. */
  embedder?: Embedder | null;
  now?: () => number;
}

const HOUR_MS = 3_600_000;
/** Grounding checks a window needs before their failure share raises an alert. */
const MIN_GROUNDING_CHECKS = 5;
const TYPES: readonly QualityAlertType[] = ['DRIFT', 'ERROR_RATE', 'GROUNDING'];
const LABEL: Record<QualityAlertType, 'drift' | 'error_rate' | 'grounding'> = { DRIFT: 'drift', ERROR_RATE: 'error_rate', GROUNDING: 'grounding' };

/**
 * The quality monitor: every ARM_QUALITY_INTERVAL_MINUTES, for each agent with interactions in the
 * last week, checks drift (storing events), the error rate and the share of failed grounding checks
 * over the agent's current window, opens or updates a quality alert for each condition that holds
 * and resolves those that cleared, then sets the open-alerts gauge of each organisation seen. One
 * run at a time; a failure on one agent is logged and the others still run.
 */
export class QualityMonitor {
  readonly settings: QualitySettingsStore;
  readonly alerts: QualityAlertStore;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  // A pass under way ends after the agent in hand rather than holding a shutdown for all of them.
  private stopping = false;

  constructor(private readonly deps: QualityMonitorDeps) {
    this.settings = new QualitySettingsStore(deps.controlPlane);
    this.alerts = new QualityAlertStore(deps.controlPlane);
    this.now = deps.now ?? Date.now;
  }

  /**
   * Reports every organisation's open alerts at once (the rules then have their series from the
   * first scrape), and runs a pass every intervalMs (0: never; drift is still checked on demand).
   */
  async start(intervalMs: number): Promise<void> {
    const orgs = await asSystem('quality monitor: organisations', () => this.deps.controlPlane.query<{ id: string }>('SELECT id FROM organizations'));
    for (const { id } of orgs) await asTenant(id, () => this.reportOpen(id));
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.runOnce().catch((err: Error) => this.deps.log.warn({ err: err.message }, 'quality monitor: the run failed; the next one tries again')), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over every organisation; a pass already running is joined, not doubled. */
  runOnce(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /** Drift of one agent now (the API's check on demand and each pass): events stored, counted and alerted once. */
  checkDrift(organizationId: string, agentId: string): Promise<DriftEvent[]> {
    return asTenant(organizationId, async () => {
      const s = await this.settings.effective(organizationId, agentId);
      return this.drift(organizationId, agentId, s, this.now());
    });
  }

  private async pass(): Promise<void> {
    const nowMs = this.now();
    const active = await asSystem('quality monitor: agents with recent interactions', () =>
      this.deps.telemetry.query<{ org: string; agent: string }>(
        'SELECT DISTINCT toString(organization_id) AS org, toString(agent_id) AS agent FROM {db:Identifier}.interactions WHERE started_at >= {since:DateTime64(6)}',
        { since: millisText(nowMs - 8 * 24 * HOUR_MS) },
      ),
    );
    // And every agent with an alert not yet resolved: a window longer than the 8 days above (up to
    // 30 days) could otherwise keep its alert open after its traffic stopped.
    const alerted = await asSystem('quality monitor: agents with open alerts', () =>
      this.deps.controlPlane.query<{ org: string; agent: string }>("SELECT DISTINCT organization_id::text AS org, agent_id::text AS agent FROM quality_alerts WHERE status <> 'RESOLVED'"),
    );
    const byOrg = new Map<string, Set<string>>();
    for (const r of [...active, ...alerted]) byOrg.set(r.org, (byOrg.get(r.org) ?? new Set()).add(r.agent));
    for (const [org, agents] of byOrg) {
      await asTenant(org, async () => {
        for (const agent of agents) {
          if (this.stopping) return;
          try {
            await this.checkAgent(org, agent, nowMs);
          } catch (err) {
            this.deps.log.warn({ err: (err as Error).message, organizationId: org, agentId: agent }, 'quality monitor: an agent was not checked; the next run tries again');
          }
        }
        await this.reportOpen(org);
      });
    }
  }

  private async checkAgent(org: string, agentId: string, nowMs: number): Promise<void> {
    const s = await this.settings.effective(org, agentId);
    await this.drift(org, agentId, s, nowMs);
    await this.errorRate(org, agentId, s, nowMs);
    await this.grounding(org, agentId, s, nowMs);
  }

  private async drift(org: string, agentId: string, s: QualitySettings, nowMs: number): Promise<DriftEvent[]> {
    const events = await runDriftCheck({ telemetry: this.deps.telemetry, controlPlane: this.deps.controlPlane, embedder: this.deps.embedder ?? null, log: this.deps.log }, org, agentId, s, nowMs);
    for (const e of events) {
      this.deps.metrics.driftEvents.add(1, { organization_id: org, gen_ai_agent_id: agentId, drift_metric: e.metric });
      const strong = Math.abs(e.deviation) >= 2 * s.sigma || (e.psi ?? 0) >= 2 * s.psi;
      const by = e.method === 'psi' ? `PSI ${e.psi?.toFixed(2)}` : `${e.deviation.toFixed(1)} σ`;
      await this.alerts.raise(org, {
        agentId,
        type: 'DRIFT',
        severity: strong ? 'CRITICAL' : 'WARNING',
        metric: e.metric,
        threshold: e.method === 'psi' ? s.psi : s.sigma,
        actualValue: e.method === 'psi' ? (e.psi ?? 0) : e.deviation,
        message: `${e.metric} drifted ${e.direction} (${by}): ${round(e.baselineValue)} in the baseline, ${round(e.currentValue)} now${e.versionChanged ? `, since version ${e.version} started` : ''}`,
        sourceId: e.id,
      });
    }
    // A drift no longer seen in the current window (the baseline caught up, or it went back) is resolved.
    const live = await this.deps.telemetry.query<{ metric: string }>(
      'SELECT DISTINCT metric FROM {db:Identifier}.drift_events FINAL WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND detected_at >= {since:DateTime64(3)}',
      { org, agent: agentId, since: millisText(nowMs - s.currentHours * HOUR_MS) },
    );
    const drifting = new Set(live.map((r) => r.metric));
    for (const a of await this.alerts.list(org, { agentId, type: 'DRIFT', limit: 100 })) {
      if (a.status !== 'RESOLVED' && !drifting.has(a.metric)) await this.alerts.clear(org, agentId, 'DRIFT', a.metric);
    }
    return events;
  }

  private errorRate(org: string, agentId: string, s: QualitySettings, nowMs: number): Promise<void> {
    return this.shareAlert(org, agentId, s, nowMs, {
      table: 'interactions',
      time: 'started_at',
      failed: "status = 'error'",
      type: 'ERROR_RATE',
      metric: 'error_rate',
      minCount: s.minSamples,
      threshold: s.errorRateThreshold,
      says: (share, n) => `${pct(share)} of ${n} requests failed in the last ${s.currentHours} h (threshold ${pct(s.errorRateThreshold)})`,
    });
  }

  private grounding(org: string, agentId: string, s: QualitySettings, nowMs: number): Promise<void> {
    return this.shareAlert(org, agentId, s, nowMs, {
      table: 'grounding_checks',
      time: 'checked_at',
      failed: "verdict = 'HALLUCINATION'",
      type: 'GROUNDING',
      metric: 'grounding_failure_rate',
      minCount: MIN_GROUNDING_CHECKS,
      threshold: s.groundingFailureThreshold,
      says: (share, n) => `${pct(share)} of ${n} grounding checks found hallucinations in the last ${s.currentHours} h (threshold ${pct(s.groundingFailureThreshold)})`,
    });
  }

  /** An alert on the share of the current window's rows that failed: raised at the threshold (critical from twice it), with enough rows; resolved otherwise. */
  private async shareAlert(
    org: string,
    agentId: string,
    s: QualitySettings,
    nowMs: number,
    a: { table: 'interactions' | 'grounding_checks'; time: string; failed: string; type: QualityAlertType; metric: string; minCount: number; threshold: number; says: (share: number, n: number) => string },
  ): Promise<void> {
    const [r] = await this.deps.telemetry.query<{ n: number; failed: number }>(
      `SELECT count() AS n, countIf(${a.failed}) AS failed FROM {db:Identifier}.${a.table} FINAL
        WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND ${a.time} >= {from:DateTime64(6)} AND ${a.time} < {to:DateTime64(6)}`,
      { org, agent: agentId, from: millisText(nowMs - s.currentHours * HOUR_MS), to: millisText(nowMs) },
    );
    const n = Number(r?.n ?? 0);
    const share = n > 0 ? Number(r!.failed) / n : 0;
    // Fewer rows than the minimum is no evidence either way: an open alert stays open (25 requests,
    // every one failing, once resolved it as "cleared"). None at all is nothing failing.
    if (n > 0 && n < a.minCount) return;
    await this.hold(org, n >= a.minCount && share >= a.threshold, {
      agentId,
      type: a.type,
      severity: share >= 2 * a.threshold ? 'CRITICAL' : 'WARNING',
      metric: a.metric,
      threshold: a.threshold,
      actualValue: share,
      message: a.says(share, n),
    });
  }

  /** Raises the alert while the condition holds, resolves it once it does not. */
  private async hold(org: string, holds: boolean, c: AlertCondition): Promise<void> {
    if (holds) await this.alerts.raise(org, c);
    else await this.alerts.clear(org, c.agentId, c.type, c.metric);
  }

  /** The gauge of alerts not yet resolved, 0 for each type with none, so rules always have a series. */
  async reportOpen(org: string): Promise<void> {
    const open = await this.alerts.openCounts(org);
    for (const t of TYPES) this.deps.metrics.qualityAlertsOpen.set(open.get(t) ?? 0, { organization_id: org, quality_alert_type: LABEL[t] });
  }
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

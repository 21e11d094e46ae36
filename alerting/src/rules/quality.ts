import type { AlertRule } from '../rule';

const open = (org: string, type: string) => `ai_arm_quality_alerts_open{organization_id="${org}",quality_alert_type="${type}"}`;

/**
 * The collector's quality monitor decides when an agent drifted, fails too often or answers off
 * its sources (its settings: GET /api/v1/quality/settings) and keeps a quality alert open while it
 * does; these rules route that to the team. One rule per type, so each has its own runbook and
 * silence. The alert's agent and figures are on the Quality and drift page.
 */
const qualityRule = (o: { uid: string; alert: string; type: 'drift' | 'error_rate' | 'grounding'; title: string; severity: 'warning' | 'critical'; summary: string; description: string }): AlertRule => ({
  uid: o.uid,
  alert: o.alert,
  title: o.title,
  // The monitor already waited for its window and sample size: fire at the first evaluation.
  conditions: [{ query: `max by (organization_id) (ai_arm_quality_alerts_open{quality_alert_type="${o.type}"})`, op: '>', threshold: 0 }],
  for: '0m',
  severity: o.severity,
  team: 'platform',
  summary: o.summary,
  description: o.description,
  tests: [
    {
      name: `an open ${o.type} alert fires for its organisation only; other types and organisations stay quiet`,
      series: { [open('o1', o.type)]: '0x5 1x10', [open('o2', o.type)]: '0x15', [open('o2', o.type === 'drift' ? 'grounding' : 'drift')]: '1x15' },
      at: '10m',
      fires: [{ organization_id: 'o1' }],
    },
    { name: `acknowledged stays firing; resolved (0) ends it`, series: { [open('o1', o.type)]: '1x5 0x10' }, at: '10m', fires: [] },
  ],
});

export const qualityDrift = qualityRule({
  uid: 'aiarm-quality-drift',
  alert: 'AiArmQualityDrift',
  type: 'drift',
  title: 'An agent drifted from its baseline',
  severity: 'warning',
  summary: 'Agents of organization {{ $labels.organization_id }} drifted from their baseline',
  description: 'The quality monitor found an agent whose latency, error rate, refusal rate, tokens per request, answer length or answers (embeddings) moved away from its baseline and keeps a DRIFT alert open. The Quality and drift page shows the drift event, the agent version in force and sample interactions.',
});

export const qualityErrorRate = qualityRule({
  uid: 'aiarm-quality-error-rate',
  alert: 'AiArmQualityErrorRate',
  type: 'error_rate',
  title: "An agent's error rate is over its quality threshold",
  severity: 'warning',
  summary: 'Agents of organization {{ $labels.organization_id }} fail more often than their quality threshold allows',
  description: "Over the quality window (default the last 24 h) an agent's share of failed requests is at or over the organisation's errorRateThreshold. The Quality and drift page names the agent; its interactions (status=error) say which errors.",
});

export const groundingFailures = qualityRule({
  uid: 'aiarm-grounding-failures',
  alert: 'AiArmGroundingFailures',
  type: 'grounding',
  title: "An agent's answers fail their grounding checks",
  severity: 'warning',
  summary: 'Agents of organization {{ $labels.organization_id }} answer off their sources',
  description: "The share of an agent's grounding checks found HALLUCINATION over the quality window is at or over the organisation's groundingFailureThreshold. The Quality and drift page shows the flagged claims with their spans highlighted.",
});

import type { AlertRule, RuleGroup } from '../rule';
import { agentSloRules, DEFAULT_AGENT_OBJECTIVES, type AgentObjectives } from './agent-slo';
import { agentDown } from './agents';
import { collectorDown, collectorNotPolling, usageStale, vendorApiFailing } from './collector';
import { policyBlocked } from './governance';
import { groundingFailures, qualityDrift, qualityErrorRate } from './quality';
import { budgetBurnFast, budgetBurnSlow, costAlertFiring, costSpike, unpricedSpend } from './costs';
import { vendorErrorRatio, vendorLatency } from './vendors';

/** Every rule, in the groups both Grafana and Prometheus evaluate them in, for the given agent objectives. */
export function groups(objectives: AgentObjectives = DEFAULT_AGENT_OBJECTIVES): RuleGroup[] {
  return [
    { name: 'ai-arm-agents', interval: '1m', rules: [agentDown] },
    // Pushed requests arrive as they happen: the 5-minute short window needs a one-minute cadence.
    { name: 'ai-arm-agent-slo', interval: '1m', rules: agentSloRules(objectives) },
    { name: 'ai-arm-vendors', interval: '1m', rules: [vendorErrorRatio, vendorLatency, vendorApiFailing] },
    // Cost data moves when hourly vendor buckets land; a quarter-hour cadence sees each in time.
    { name: 'ai-arm-costs', interval: '15m', rules: [costSpike, budgetBurnFast, budgetBurnSlow, unpricedSpend, costAlertFiring] },
    { name: 'ai-arm-collector', interval: '1m', rules: [collectorDown, collectorNotPolling, usageStale] },
    { name: 'ai-arm-governance', interval: '1m', rules: [policyBlocked] },
    { name: 'ai-arm-quality', interval: '1m', rules: [qualityDrift, qualityErrorRate, groundingFailures] },
  ];
}

/** The groups as committed (DEFAULT_AGENT_OBJECTIVES). */
export const GROUPS: RuleGroup[] = groups();

export const RULES: AlertRule[] = GROUPS.flatMap((g) => g.rules);

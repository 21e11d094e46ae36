import type { AlertRule, RuleGroup } from '../rule';
import { agentDown } from './agents';
import { collectorNotPolling, usageStale, vendorApiFailing } from './collector';
import { budgetBurnFast, budgetBurnSlow, costAlertFiring, costSpike, unpricedSpend } from './costs';
import { vendorErrorRatio, vendorLatency } from './vendors';

/** Every rule, in the groups both Grafana and Prometheus evaluate them in. */
export const GROUPS: RuleGroup[] = [
  { name: 'ai-arm-agents', interval: '1m', rules: [agentDown] },
  { name: 'ai-arm-vendors', interval: '1m', rules: [vendorErrorRatio, vendorLatency, vendorApiFailing] },
  // Cost data moves when hourly vendor buckets land; a quarter-hour cadence sees each in time.
  { name: 'ai-arm-costs', interval: '15m', rules: [costSpike, budgetBurnFast, budgetBurnSlow, unpricedSpend, costAlertFiring] },
  { name: 'ai-arm-collector', interval: '1m', rules: [collectorNotPolling, usageStale] },
];

export const RULES: AlertRule[] = GROUPS.flatMap((g) => g.rules);

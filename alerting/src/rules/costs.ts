import type { AlertRule, RuleTest } from '../rule';

const cost = 'ai_arm_cost_usd_total{organization_id="o1",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_agent_id="a1"}';
const hourly = 'sum by (organization_id, gen_ai_provider_name) (increase(ai_arm_cost_usd_total[1h]))';
// Budget names are per organisation: o2's `team-a` is another budget than o1's.
const ratio = (org = 'o1') => `ai_arm_budget_spent_ratio{organization_id="${org}",budget="team-a"}`;
const period = (org = 'o1') => `ai_arm_budget_period_seconds{organization_id="${org}",budget="team-a"}`;

/**
 * Burn rate as in SLO alerting: the share of the budget spent over a window, divided by the
 * share of the period that window is. 1 spends exactly the budget by the period's end.
 * `increase`, not `delta`: the spent ratio falls to 0 when a period starts, which increase reads
 * as a counter's reset (a window across midnight counts what was spent on both sides of it);
 * delta read it as spend gone, so a daily budget's 3-day window never saw a burn.
 * `max by (organization_id, budget)` drops the target labels, which differ between collector
 * replicas and between backfilled history and scraped series, and keeps each organisation's
 * budget apart from a same-named one of another.
 */
const burnRate = (window: string, seconds: number) =>
  `max by (organization_id, budget) (increase(ai_arm_budget_spent_ratio[${window}])) * on (organization_id, budget) max by (organization_id, budget) (ai_arm_budget_period_seconds) / ${seconds}`;
/** A daily budget spent at `perStep` of itself every 4 minutes (as budgetTest samples), back to 0 at each midnight, for `days` days. */
const dailyBudget = (perStep: string, days: number) => Array.from({ length: days }, () => `0+${perStep}x359`).join(' ');
// Sampled every 4 minutes: the period gauge is read as an instant vector, which goes stale
// between samples further apart than Prometheus' 5-minute lookback.
// o2 has a budget of the same name spent at a steady 0.0001 per step (0.9x pace): it never fires,
// and o1's burn never fires for it.
const budgetTest = (name: string, perStep: string, fires: boolean, at: string): RuleTest => ({
  name,
  interval: '4m',
  series: { [ratio()]: `0+${perStep}x1300`, [period()]: '2592000x1300', [ratio('o2')]: '0+0.00003x1300', [period('o2')]: '2592000x1300' },
  at,
  fires: fires ? [{ organization_id: 'o1', budget: 'team-a' }] : [],
});

export const costSpike: AlertRule = {
  uid: 'aiarm-cost-spike',
  alert: 'AiArmCostSpike',
  title: 'Spend spike against its own baseline',
  // Baseline: the hourly average of the 7 days before the last hour. The $5/h floor keeps
  // small absolute moves (a quiet vendor doubling from cents) from paging anyone.
  conditions: [
    { query: `${hourly} / (sum by (organization_id, gen_ai_provider_name) (increase(ai_arm_cost_usd_total[7d] offset 1h)) / 168)`, op: '>', threshold: 3 },
    { query: hourly, op: '>', threshold: 5 },
    // The counters start at 0 when a connection starts: until they go back 7 days, the baseline
    // divides a few hours of spend by 168, and steady spend read as a spike for two days.
    { query: 'max by (organization_id, gen_ai_provider_name) (present_over_time(ai_arm_cost_usd_total[1h] offset 7d))', op: '>', threshold: 0 },
  ],
  for: '15m',
  severity: 'warning',
  team: 'finops',
  summary: 'Spend at {{ $labels.gen_ai_provider_name }} is over 3 times its usual hourly rate',
  description: 'The last hour at {{ $labels.gen_ai_provider_name }} for organization {{ $labels.organization_id }} cost more than 3 times the hourly average of the previous 7 days, and over $5. The Costs dashboard shows which agent and model.',
  tests: [
    { name: 'going from $1/h to $20/h fires, for that organisation only', interval: '30m', series: { [cost]: '0+0.5x380 195+10x20', [cost.replace('o1', 'o2')]: '0+0.5x400' }, at: '195h', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'a steady $1/h does not fire', interval: '30m', series: { [cost]: '0+0.5x400' }, at: '195h', fires: [] },
    { name: 'a steady $10/h from a new connection does not fire in its first days', interval: '30m', series: { [cost]: '0+5x200' }, at: '24h', fires: [] },
    { name: 'nor on its second day', interval: '30m', series: { [cost]: '0+5x200' }, at: '48h', fires: [] },
  ],
};

export const budgetBurnFast: AlertRule = {
  uid: 'aiarm-budget-burn-fast',
  alert: 'AiArmBudgetBurnFast',
  title: 'Budget burning fast',
  // 6x over 6 hours spends 5% of a monthly budget; the 1h window stops the page soon after the burn does.
  conditions: [
    { query: burnRate('6h', 21600), op: '>', threshold: 6 },
    { query: burnRate('1h', 3600), op: '>', threshold: 6 },
  ],
  for: '15m',
  severity: 'critical',
  team: 'finops',
  summary: 'Budget {{ $labels.budget }} is being spent over 6 times faster than it lasts',
  description: 'Over the last 6 hours and the last hour, budget {{ $labels.budget }} of organization {{ $labels.organization_id }} was spent more than 6 times faster than the pace that uses it exactly by the end of its period.',
  tests: [budgetTest('3% of a monthly budget an hour (21.6x pace) fires', '0.002', true, '60h'), budgetTest('0.18% an hour (1.3x pace) does not fire', '0.00012', false, '60h')],
};

export const budgetBurnSlow: AlertRule = {
  uid: 'aiarm-budget-burn-slow',
  alert: 'AiArmBudgetBurnSlow',
  title: 'Budget burning faster than it lasts',
  conditions: [
    { query: burnRate('3d', 259200), op: '>', threshold: 1.5 },
    { query: burnRate('6h', 21600), op: '>', threshold: 1.5 },
  ],
  for: '1h',
  severity: 'warning',
  team: 'finops',
  summary: 'Budget {{ $labels.budget }} will run out before its period ends',
  description: 'Over the last 3 days and the last 6 hours, budget {{ $labels.budget }} of organization {{ $labels.organization_id }} was spent more than 1.5 times faster than the pace that uses it exactly by the end of its period.',
  tests: [
    budgetTest('0.42% of a monthly budget an hour (3x pace) fires', '0.00028', true, '80h'),
    budgetTest('0.06% an hour (0.4x pace) does not fire', '0.00004', false, '80h'),
    // Back to 0 at every midnight: the 3-day window spans two resets and still sees the burn.
    { name: 'a daily budget spent at 3x pace every day fires, across its midnights', interval: '4m', series: { [ratio()]: dailyBudget('0.008333', 6), [period()]: '86400x2160' }, at: '108h', fires: [{ organization_id: 'o1', budget: 'team-a' }] },
    { name: 'a daily budget spent at 0.9x pace every day does not fire', interval: '4m', series: { [ratio()]: dailyBudget('0.0025', 6), [period()]: '86400x2160' }, at: '108h', fires: [] },
  ],
};

export const unpricedSpend: AlertRule = {
  uid: 'aiarm-unpriced-spend',
  alert: 'AiArmUnpricedSpend',
  title: 'Spend on models the price table lacks',
  conditions: [{ query: 'sum by (organization_id, gen_ai_provider_name) (ai_arm_cost_month_to_date{cost_kind="unpriced"})', op: '>', threshold: 0 }],
  for: '30m',
  severity: 'warning',
  team: 'finops',
  summary: '{{ $labels.gen_ai_provider_name }} bills for models AI-ARM cannot price',
  description: 'This month {{ $labels.gen_ai_provider_name }} billed organization {{ $labels.organization_id }} for usage of models the price table lacks, so computed cost is short of the bill. GET /api/v1/costs/reconciliation names the models; add a contract price with POST /api/v1/costs/prices.',
  tests: [
    { name: 'unpriced spend fires', series: { 'ai_arm_cost_month_to_date{organization_id="o1",gen_ai_provider_name="openai",cost_kind="unpriced"}': '0 0 3.5x60' }, at: '45m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'no unpriced spend does not fire', series: { 'ai_arm_cost_month_to_date{organization_id="o1",gen_ai_provider_name="openai",cost_kind="unpriced"}': '0x60', 'ai_arm_cost_month_to_date{organization_id="o1",gen_ai_provider_name="openai",cost_kind="computed"}': '100x60' }, at: '45m', fires: [] },
  ],
};

export const costAlertFiring: AlertRule = {
  uid: 'aiarm-cost-alert-firing',
  alert: 'AiArmCostAlertFiring',
  title: 'Cost alert firing',
  conditions: [{ query: 'max by (organization_id, alert_name, alert_type) (ai_arm_cost_alert_firing)', op: '==', threshold: 1 }],
  // The collector judged it already, after a poll; holding it again would only delay it.
  for: '0s',
  severity: 'warning',
  team: 'finops',
  summary: 'Cost alert {{ $labels.alert_name }} ({{ $labels.alert_type }}) of organization {{ $labels.organization_id }} is firing',
  description: 'The collector evaluates the cost alerts set through POST /api/v1/costs/alerts after every poll; {{ $labels.alert_name }} holds. GET /api/v1/costs/alerts gives its message and the amount it saw.',
  tests: [
    // The same alert name in two organisations: each fires or stays quiet on its own.
    { name: 'a firing cost alert fires, for its organisation only', series: { 'ai_arm_cost_alert_firing{organization_id="o1",alert_name="team-a-forecast",alert_type="forecast"}': '0 1x40', 'ai_arm_cost_alert_firing{organization_id="o2",alert_name="team-a-forecast",alert_type="forecast"}': '0x40' }, at: '30m', fires: [{ organization_id: 'o1', alert_name: 'team-a-forecast', alert_type: 'forecast' }] },
    { name: 'a quiet cost alert does not fire', series: { 'ai_arm_cost_alert_firing{organization_id="o1",alert_name="team-a-forecast",alert_type="forecast"}': '0x40' }, at: '30m', fires: [] },
  ],
};

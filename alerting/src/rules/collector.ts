import type { AlertRule } from '../rule';

const polls = (result: string) => `ai_arm_collector_polls_total{organization_id="o1",gen_ai_provider_name="openai",result="${result}"}`;
// Counts of one result over 30 minutes, 0 rather than absent when it never happened.
const pollsOver30m = (result: string) =>
  `sum by (organization_id, gen_ai_provider_name) (increase(ai_arm_collector_polls_total{result="${result}"}[30m]) or increase(ai_arm_collector_polls_total[30m]) * 0)`;

export const collectorNotPolling: AlertRule = {
  uid: 'aiarm-collector-not-polling',
  alert: 'AiArmCollectorNotPolling',
  title: 'Collector not polling',
  conditions: [{ query: 'sum by (organization_id, gen_ai_provider_name) (increase(ai_arm_collector_polls_total[30m]))', op: '<', threshold: 1 }],
  for: '10m',
  severity: 'critical',
  team: 'platform',
  // A collector that is down takes its series with it: in Grafana that is an alert too.
  noData: 'Alerting',
  summary: 'The collector has not polled {{ $labels.gen_ai_provider_name }} for 30 minutes',
  description: 'No poll of the {{ $labels.gen_ai_provider_name }} connections of organization {{ $labels.organization_id }} started in the last 30 minutes (the default interval is 5 minutes): inventory, health and cost data are going stale.',
  tests: [
    { name: 'polls that stopped 45 minutes ago fire', series: { [polls('success')]: '0+1x10 10x50' }, at: '55m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'steady polling does not fire', series: { [polls('success')]: '0+1x60' }, at: '55m', fires: [] },
  ],
};

export const collectorDown: AlertRule = {
  uid: 'aiarm-collector-down',
  alert: 'AiArmCollectorDown',
  title: 'Collector down',
  // Its own series go with it; Prometheus' `up` stays (job `aiarm` in alerting/prometheus/prometheus.yml).
  conditions: [{ query: 'max by (job, instance) (up{job="aiarm"})', op: '<', threshold: 1 }],
  for: '5m',
  severity: 'critical',
  team: 'platform',
  summary: 'Prometheus cannot scrape the collector at {{ $labels.instance }}',
  description: 'The scrape of {{ $labels.instance }} (job {{ $labels.job }}) has failed for 5 minutes: the collector is down or unreachable, so nothing is polled, no pushed request is taken, and every other AI-ARM alert is blind.',
  tests: [
    { name: 'a failing scrape for 10 minutes fires', series: { 'up{job="aiarm",instance="collector:8080"}': '1x10 0x20' }, at: '25m', fires: [{ job: 'aiarm', instance: 'collector:8080' }] },
    { name: 'a scrape failing once does not fire', series: { 'up{job="aiarm",instance="collector:8080"}': '1x10 0 1x20' }, at: '25m', fires: [] },
  ],
};

export const vendorApiFailing: AlertRule = {
  uid: 'aiarm-vendor-api-failing',
  alert: 'AiArmVendorApiFailing',
  title: 'Every poll of a vendor fails',
  conditions: [
    { query: pollsOver30m('failure'), op: '>', threshold: 0 },
    { query: pollsOver30m('success'), op: '<', threshold: 1 },
  ],
  for: '5m',
  severity: 'critical',
  team: 'platform',
  summary: 'Every poll of {{ $labels.gen_ai_provider_name }} failed for 30 minutes',
  description: 'The collector keeps polling {{ $labels.gen_ai_provider_name }} for organization {{ $labels.organization_id }} but no poll succeeded in 30 minutes: a revoked admin key, a vendor outage or a network problem. The collector log and GET /api/v1/poller/connections show the last error.',
  tests: [
    { name: 'only failures for 40 minutes fire', series: { [polls('success')]: '0+1x10 10x50', [polls('failure')]: '0x10 0+1x50' }, at: '55m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'failures between successes do not fire', series: { [polls('success')]: '0+1x60', [polls('failure')]: '0x10 0+1x50' }, at: '55m', fires: [] },
  ],
};

export const usageStale: AlertRule = {
  uid: 'aiarm-usage-stale',
  alert: 'AiArmUsageStale',
  title: 'Usage data stale',
  // Vendors publish usage buckets an hour or so late; four hours is past any normal delay.
  conditions: [{ query: 'max by (organization_id, gen_ai_provider_name) (ai_arm_collector_poll_lag_seconds)', op: '>', threshold: 14400 }],
  for: '30m',
  severity: 'warning',
  team: 'platform',
  summary: 'The newest {{ $labels.gen_ai_provider_name }} usage is over 4 hours old',
  description: 'The newest complete usage bucket collected from {{ $labels.gen_ai_provider_name }} for organization {{ $labels.organization_id }} ended more than 4 hours ago, so cost panels and cost alerts see old data.',
  tests: [
    { name: 'a lag of 5 hours fires', series: { 'ai_arm_collector_poll_lag_seconds{organization_id="o1",gen_ai_provider_name="openai"}': '18000+60x60', 'ai_arm_collector_poll_lag_seconds{organization_id="o2",gen_ai_provider_name="openai"}': '600x60' }, at: '45m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'a lag of an hour does not fire', series: { 'ai_arm_collector_poll_lag_seconds{organization_id="o1",gen_ai_provider_name="openai"}': '3600x60' }, at: '45m', fires: [] },
  ],
};

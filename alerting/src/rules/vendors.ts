import type { AlertRule } from '../rule';

const calls = (outcome: string) => `ai_arm_collector_vendor_api_requests_total{organization_id="o1",gen_ai_provider_name="openai",endpoint="usage",outcome="${outcome}"}`;
const bucket = (le: string) => `ai_arm_collector_vendor_api_duration_seconds_bucket{organization_id="o1",gen_ai_provider_name="openai",endpoint="usage",le="${le}"}`;

export const vendorErrorRatio: AlertRule = {
  uid: 'aiarm-vendor-error-ratio',
  alert: 'AiArmVendorErrorRatio',
  title: 'Vendor admin API error ratio high',
  // `or ... * 0` keeps providers whose calls all succeeded at 0 instead of dropping them.
  conditions: [
    {
      query:
        'sum by (organization_id, gen_ai_provider_name) (rate(ai_arm_collector_vendor_api_requests_total{outcome!="ok"}[15m]) or rate(ai_arm_collector_vendor_api_requests_total[15m]) * 0) / sum by (organization_id, gen_ai_provider_name) (rate(ai_arm_collector_vendor_api_requests_total[15m]))',
      op: '>',
      threshold: 0.1,
    },
  ],
  for: '15m',
  severity: 'warning',
  team: 'platform',
  summary: 'More than 10% of calls to the {{ $labels.gen_ai_provider_name }} admin API fail',
  description: 'Over the last 15 minutes more than one in ten calls the collector made to the {{ $labels.gen_ai_provider_name }} admin API for organization {{ $labels.organization_id }} ended in a rate limit, a client or server error or a timeout. Polling retries and backs off, so data is late rather than lost.',
  tests: [
    { name: 'a third of calls failing fires', series: { [calls('ok')]: '0+10x40', [calls('server_error')]: '0+5x40' }, at: '35m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'one failure in twenty-one calls does not fire', series: { [calls('ok')]: '0+20x40', [calls('server_error')]: '0+1x40' }, at: '35m', fires: [] },
  ],
};

export const vendorLatency: AlertRule = {
  uid: 'aiarm-vendor-latency-p95',
  alert: 'AiArmVendorLatencyHigh',
  title: 'Vendor admin API p95 latency high',
  conditions: [{ query: 'histogram_quantile(0.95, sum by (le, organization_id, gen_ai_provider_name) (rate(ai_arm_collector_vendor_api_duration_seconds_bucket[15m])))', op: '>', threshold: 5 }],
  for: '15m',
  severity: 'warning',
  team: 'platform',
  summary: 'The {{ $labels.gen_ai_provider_name }} admin API answers slowly (p95 over 5 s)',
  description: 'The 95th percentile latency of the collector calls to the {{ $labels.gen_ai_provider_name }} admin API for organization {{ $labels.organization_id }} has been above 5 seconds for 15 minutes. Slow vendor answers delay inventory, health and usage data.',
  tests: [
    { name: 'nine calls in ten over a second, up to ten, fires', series: { [bucket('1')]: '0+1x40', [bucket('10')]: '0+10x40', [bucket('+Inf')]: '0+10x40' }, at: '35m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'openai' }] },
    { name: 'every call under a second does not fire', series: { [bucket('1')]: '0+10x40', [bucket('10')]: '0+10x40', [bucket('+Inf')]: '0+10x40' }, at: '35m', fires: [] },
  ],
};

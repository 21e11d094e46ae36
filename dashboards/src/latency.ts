import { buildDashboard, type BuiltDashboard } from './dashboard';
import { clickhouseTable, promTimeseries, RATIO, SECONDS, type PromTarget } from './panels';
import { clickhouse, datasource, model, organization, ORG, provider } from './variables';

// Every per-tenant selector is the selected organisation's.
const O = ORG;
const P = `${O}, gen_ai_provider_name=~"$provider"`;
const PM = `${P}, gen_ai_request_model=~"$model"`;

const quantiles = (bucket: string): PromTarget[] =>
  [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le, gen_ai_provider_name) (rate(${bucket}[$__rate_interval])))`,
    legend: `p${Math.round(q * 100)} {{gen_ai_provider_name}}`,
  }));

// `or ... * 0` keeps a 0 for providers with no failures, so the ratio reads 0 rather than no data.
const errorRatio = (counter: string, sel: string, failed: string): string =>
  `sum by (gen_ai_provider_name) (rate(${counter}{${sel}, ${failed}}[$__rate_interval]) or rate(${counter}{${sel}}[$__rate_interval]) * 0)` +
  ` / sum by (gen_ai_provider_name) (rate(${counter}{${sel}}[$__rate_interval]))`;

export const latency = (): BuiltDashboard =>
  buildDashboard({
    uid: 'aiarm-latency',
    title: 'AI-ARM / Latency and errors',
    description: "Latency and error ratios of the collector's vendor-API calls and of its health probes of agents.",
    from: 'now-6h',
    variables: [datasource(), organization(), provider(), model(), clickhouse()],
    rows: [
      {
        title: 'Latency',
        panels: [
          promTimeseries({ title: 'Vendor-API latency by provider', unit: SECONDS, w: 12, h: 8,
            description: "p50, p95 and p99 latency of the collector's calls to vendor admin APIs (usage, costs, inventory), per provider.",
            targets: quantiles(`ai_arm_collector_vendor_api_duration_seconds_bucket{${P}}`) }),
          promTimeseries({ title: 'Health-probe latency by provider', unit: SECONDS, w: 12, h: 8,
            description: "p50, p95 and p99 duration of the collector's health probes of agents (chat or invoke_agent calls), per provider, for the selected models.",
            targets: quantiles(`gen_ai_client_operation_duration_seconds_bucket{${PM}}`) }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          promTimeseries({ title: 'Vendor-API error ratio', unit: RATIO, w: 12, h: 8,
            description: 'Share of vendor-API calls per provider whose outcome was not ok: rate limited, client or server error, network error or timeout.',
            targets: [{ expr: errorRatio('ai_arm_collector_vendor_api_requests_total', P, 'outcome!="ok"'), legend: '{{gen_ai_provider_name}}' }] }),
          promTimeseries({ title: 'Health-probe error ratio', unit: RATIO, w: 12, h: 8,
            description: 'Share of health probes per provider that failed (recorded with an error_type), for the selected models.',
            targets: [{ expr: errorRatio('gen_ai_client_operation_duration_seconds_count', PM, 'error_type!=""'), legend: '{{gen_ai_provider_name}}' }] }),
          promTimeseries({ title: 'Vendor-API calls by endpoint and outcome', unit: 'reqps', w: 24, h: 8,
            description: 'Calls per second the collector makes to vendor admin APIs, by endpoint and outcome.',
            targets: [{ expr: `sum by (endpoint, outcome) (rate(ai_arm_collector_vendor_api_requests_total{${P}}[$__rate_interval]))`, legend: '{{endpoint}} {{outcome}}' }] }),
        ],
      },
      {
        title: 'Per agent',
        panels: [
          clickhouseTable({ title: 'Health-check latency per agent (p95, every agent)', w: 24, h: 10,
            description: 'p95 health-check latency of every agent of the selected organization over the time range, with how many checks were not healthy.',
            sql: "SELECT toString(agent_id) AS agent, quantile(0.95)(latency_ms) AS p95_ms, countIf(status != 'HEALTHY') AS unhealthy_checks, count() AS checks FROM agent_health_checks WHERE organization_id = toUUID('${organization}') AND $__timeFilter(timestamp) GROUP BY agent ORDER BY p95_ms DESC LIMIT 100" }),
        ],
      },
    ],
  });

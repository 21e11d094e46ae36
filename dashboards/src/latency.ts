import { buildDashboard, type BuiltDashboard } from './dashboard';
import { clickhouseTable, promBarGauge, promTimeseries, RATIO, SECONDS, type PromTarget } from './panels';
import { clickhouse, datasource, model, organization, ORG, provider, pushedAgent } from './variables';

// Every per-tenant selector is the selected organisation's.
const O = ORG;
const P = `${O}, gen_ai_provider_name=~"$provider"`;
const PM = `${P}, gen_ai_request_model=~"$model"`;
// Pushed requests only: the vendors' usage reports count the same requests under source="vendor_report".
const PUSHED = `${PM}, gen_ai_agent_id=~"$agent", source="push"`;
const AGENT = `${O}, gen_ai_agent_id=~"$agent"`;

const quantiles = (bucket: string, by = 'gen_ai_provider_name'): PromTarget[] =>
  [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le, ${by}) (rate(${bucket}[$__rate_interval])))`,
    legend: `p${Math.round(q * 100)} {{${by}}}`,
  }));

// `or ... * 0` keeps a 0 for series with no failures, so the ratio reads 0 rather than no data.
const errorRatio = (counter: string, sel: string, failed: string, by = 'gen_ai_provider_name'): string =>
  `sum by (${by}) (rate(${counter}{${sel}, ${failed}}[$__rate_interval]) or rate(${counter}{${sel}}[$__rate_interval]) * 0)` +
  ` / sum by (${by}) (rate(${counter}{${sel}}[$__rate_interval]))`;

export const latency = (): BuiltDashboard =>
  buildDashboard({
    uid: 'aiarm-latency',
    title: 'AI-ARM / Latency and errors',
    description: "Latency and error ratios of every agent's pushed requests, of GenAI requests per provider, and of the collector's vendor-API calls and health probes.",
    from: 'now-6h',
    variables: [datasource(), organization(), provider(), model(), pushedAgent(), clickhouse()],
    rows: [
      {
        title: 'Requests per agent',
        panels: [
          promTimeseries({ title: 'Request latency per agent', unit: SECONDS, w: 12, h: 8,
            description: 'p50, p95 and p99 duration of the requests each selected agent pushed (OTLP or the ingest API), failed ones included, from ai_arm_agent_request_duration_seconds (buckets 0.25 s to 60 s).',
            targets: quantiles(`ai_arm_agent_request_duration_seconds_bucket{${AGENT}}`, 'gen_ai_agent_id') }),
          promTimeseries({ title: 'Error ratio per agent', unit: RATIO, w: 12, h: 8, steps: [[0.01, 'orange'], [0.144, 'red']],
            description: 'Share of the requests each selected agent pushed that failed (status="error"); vendor-reported requests are not counted. Orange from 1% (the default objective), red from 14.4% (where the fast burn-rate alert pages).',
            targets: [{ expr: errorRatio('ai_arm_requests_total', PUSHED, 'status="error"', 'gen_ai_agent_id'), legend: '{{gen_ai_agent_id}}' }] }),
          promTimeseries({ title: 'Requests per agent', unit: 'reqps', w: 12, h: 8,
            description: 'Requests per second each selected agent pushed, by status (ok or error), for the selected providers and models.',
            targets: [{ expr: `sum by (gen_ai_agent_id, status) (rate(ai_arm_requests_total{${PUSHED}}[$__rate_interval]))`, legend: '{{gen_ai_agent_id}} {{status}}' }] }),
          promTimeseries({ title: 'Errors per agent by type', unit: 'reqps', w: 12, h: 8,
            description: 'Failed pushed requests per second by agent and error class: rate_limited and overloaded are the vendor pushing back, auth_error a key, client_error the request, timeout, network_error and server_error the vendor or the network; a 0 line per agent when there are none.',
            targets: [{ expr: `sum by (gen_ai_agent_id, error_type) (rate(ai_arm_errors_total{${PUSHED}}[$__rate_interval])) or sum by (gen_ai_agent_id) (rate(ai_arm_requests_total{${PUSHED}}[$__rate_interval])) * 0`,
              legend: '{{gen_ai_agent_id}} {{error_type}}' }] }),
          promBarGauge({ title: 'Slowest agents (p95 over the range)', unit: SECONDS, w: 12, h: 8, steps: [[5, 'orange'], [10, 'red']],
            description: 'The ten selected agents with the highest p95 request duration over the dashboard time range; red from 10 s, the default latency threshold of the agent alert rules.',
            expr: `topk(10, histogram_quantile(0.95, sum by (le, gen_ai_agent_id) (rate(ai_arm_agent_request_duration_seconds_bucket{${AGENT}}[$__range]))))`, legend: '{{gen_ai_agent_id}}' }),
          promTimeseries({ title: 'Time to first chunk by provider', unit: SECONDS, w: 12, h: 8,
            description: 'p50, p95 and p99 time from sending a streamed request to its first chunk (gen_ai.client.operation.time_to_first_chunk), per provider, for the selected models; only streaming requests report it.',
            targets: quantiles(`gen_ai_client_operation_time_to_first_chunk_seconds_bucket{${PM}}`) }),
        ],
      },
      {
        title: 'Latency',
        panels: [
          promTimeseries({ title: 'GenAI request latency by provider', unit: SECONDS, w: 12, h: 8,
            description: "p50, p95 and p99 of gen_ai.client.operation.duration per provider, for the selected models: the requests agents push and the collector's health probes of agents alike.",
            targets: quantiles(`gen_ai_client_operation_duration_seconds_bucket{${PM}}`) }),
          promTimeseries({ title: 'Vendor-API latency by provider', unit: SECONDS, w: 12, h: 8,
            description: "p50, p95 and p99 latency of the collector's calls to vendor admin APIs (usage, costs, inventory), per provider.",
            targets: quantiles(`ai_arm_collector_vendor_api_duration_seconds_bucket{${P}}`) }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          promTimeseries({ title: 'GenAI request error ratio by provider', unit: RATIO, w: 12, h: 8,
            description: 'Share of GenAI requests per provider that failed (recorded with an error_type): pushed requests and health probes alike, for the selected models.',
            targets: [{ expr: errorRatio('gen_ai_client_operation_duration_seconds_count', PM, 'error_type!=""'), legend: '{{gen_ai_provider_name}}' }] }),
          promTimeseries({ title: 'Vendor-API error ratio', unit: RATIO, w: 12, h: 8,
            description: 'Share of vendor-API calls per provider whose outcome was not ok: rate limited, client or server error, network error or timeout.',
            targets: [{ expr: errorRatio('ai_arm_collector_vendor_api_requests_total', P, 'outcome!="ok"'), legend: '{{gen_ai_provider_name}}' }] }),
          promTimeseries({ title: 'Vendor-API calls by endpoint and outcome', unit: 'reqps', w: 24, h: 8,
            description: 'Calls per second the collector makes to vendor admin APIs, by endpoint and outcome.',
            targets: [{ expr: `sum by (endpoint, outcome) (rate(ai_arm_collector_vendor_api_requests_total{${P}}[$__rate_interval]))`, legend: '{{endpoint}} {{outcome}}' }] }),
        ],
      },
      {
        title: 'Health checks per agent',
        panels: [
          clickhouseTable({ title: 'Health-check latency per agent (p95, every agent)', w: 24, h: 10,
            description: 'p95 health-check latency of every agent of the selected organization over the time range, with how many checks were not healthy.',
            sql: "SELECT toString(agent_id) AS agent, quantile(0.95)(latency_ms) AS p95_ms, countIf(status != 'HEALTHY') AS unhealthy_checks, count() AS checks FROM agent_health_checks WHERE organization_id = toUUID('${organization}') AND $__timeFilter(timestamp) GROUP BY agent ORDER BY p95_ms DESC LIMIT 100" }),
        ],
      },
    ],
  });

import { buildDashboard, type BuiltDashboard } from './dashboard';
import { clickhouseLogs, promStat, promTimeseries, SECONDS } from './panels';
import { clickhouse, datasource, organization, ORG, provider } from './variables';

// Every per-tenant selector is the selected organisation's.
const O = ORG;
const P = `${O}, gen_ai_provider_name=~"$provider"`;

export const collector = (): BuiltDashboard =>
  buildDashboard({
    uid: 'aiarm-collector',
    title: 'AI-ARM / Collector health',
    description: "The collector itself: polling of vendor APIs, writes to its stores, metric cardinality and vendor errors.",
    from: 'now-6h',
    variables: [datasource(), organization(), provider(), clickhouse()],
    rows: [
      {
        title: 'Polling',
        panels: [
          promTimeseries({ title: 'Poll lag', unit: SECONDS, w: 8, h: 8,
            description: 'Seconds between now and the end of the newest complete usage bucket collected, per provider; it grows when polls fail or vendors report late.',
            targets: [{ expr: `max by (gen_ai_provider_name) (ai_arm_collector_poll_lag_seconds{${P}})`, legend: '{{gen_ai_provider_name}}' }] }),
          promTimeseries({ title: 'Polls by result', w: 8, h: 8,
            description: 'Poll runs of vendor connections per provider and result, per interval.',
            targets: [{ expr: `sum by (gen_ai_provider_name, result) (increase(ai_arm_collector_polls_total{${P}}[$__rate_interval]))`, legend: '{{gen_ai_provider_name}} {{result}}' }] }),
          promTimeseries({ title: 'Vendor-API failures', unit: 'reqps', w: 8, h: 8,
            description: 'Failed calls per second to vendor admin APIs by provider, endpoint and outcome; a 0 line per provider when there are none.',
            targets: [{ expr: `sum by (gen_ai_provider_name, endpoint, outcome) (rate(ai_arm_collector_vendor_api_requests_total{${P}, outcome!="ok"}[$__rate_interval])) or sum by (gen_ai_provider_name) (rate(ai_arm_collector_vendor_api_requests_total{${P}}[$__rate_interval])) * 0`,
              legend: '{{gen_ai_provider_name}} {{endpoint}} {{outcome}}' }] }),
        ],
      },
      {
        title: 'Writes',
        panels: [
          promTimeseries({ title: 'Rows written by store and result', w: 6, h: 8,
            description: 'Rows per second the collector wrote to each ClickHouse table (usage, costs, health checks, log records; all go through its batch writer), and rows ClickHouse refused for their content or a full write buffer dropped (failure).',
            targets: [{ expr: 'sum by (store, table, result) (rate(ai_arm_collector_write_rows_total[$__rate_interval]))', legend: '{{store}} {{table}} {{result}}' }] }),
          promTimeseries({ title: 'Write retries', w: 6, h: 8,
            description: 'Batch writes retried after a transient store error, per interval; 0 when there are none.',
            targets: [{ expr: 'sum by (store, table) (increase(ai_arm_collector_write_retries_total[$__rate_interval])) or on() vector(0)', legend: '{{store}} {{table}}' }] }),
          promTimeseries({ title: 'Rows buffered', w: 6, h: 8,
            description: "Rows waiting in the collector's write buffers; a rising line means a store is not keeping up.",
            targets: [{ expr: 'sum by (store, table) (ai_arm_collector_write_buffered)', legend: '{{store}} {{table}}' }] }),
          promTimeseries({ title: 'Interaction spool', unit: 'bytes', w: 6, h: 8,
            description: 'Bytes of accepted pushed interactions waiting on disk (under ARM_DATA_DIR) while ClickHouse refuses writes; 0 when ClickHouse keeps up. At ARM_INGEST_SPOOL_MAX_MB the receivers answer 503 with Retry-After.',
            targets: [{ expr: 'sum by (table) (ai_arm_collector_spool_bytes) or on() vector(0)', legend: '{{table}}' }] }),
        ],
      },
      {
        title: 'Metrics and errors',
        panels: [
          promStat({ title: 'Cardinality overflow (label sets folded)', w: 8, h: 10, steps: [[1, 'orange']],
            description: "Label sets folded into a metric's overflow series over the time range because the metric reached its cardinality cap; above 0, that metric's per-label detail is incomplete.",
            expr: 'sum by (metric) (increase(ai_arm_metrics_dropped_label_sets_total[$__range])) or on() vector(0)', legend: '{{metric}}' }),
          clickhouseLogs({ title: 'Vendor errors', w: 16, h: 10,
            description: 'Errors the collector got from vendor APIs, for the selected organization, newest first.',
            sql: "SELECT Timestamp AS timestamp, SeverityText AS level, Body AS body FROM otel_logs WHERE OrganizationId = toUUID('${organization}') AND EventName = 'ai_arm.vendor.error' AND $__timeFilter(Timestamp) ORDER BY Timestamp DESC LIMIT 200" }),
        ],
      },
    ],
  });

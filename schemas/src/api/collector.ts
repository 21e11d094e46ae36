/** Response shapes of the collector's own routes (health, its metrics): the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common';
import { TextBody } from './shared';

export const StoreStatus = Type.Object(
  {
    engine: Type.String(),
    status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    latencyMs: Type.Number(),
    migrations: Type.Integer({ description: 'Migrations applied' }),
    location: Type.String({ description: 'Data directory or server URL, credentials removed' }),
    error: Type.Optional(Type.String()),
  },
  { title: 'StoreStatus' },
);
export type StoreStatus = Static<typeof StoreStatus>;

export const Health = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
    version: Type.String(),
    mode: Type.Union([Type.Literal('demo'), Type.Literal('live')]),
    uptimeSeconds: Type.Number(),
    stores: Type.Object({ postgres: StoreStatus, clickhouse: StoreStatus }),
  },
  { title: 'Health' },
);
export type Health = Static<typeof Health>;

export const VendorApiStats = Type.Object(
  {
    provider: Type.String({ description: 'gen_ai.provider.name, e.g. openai' }),
    requests: Type.Number({ minimum: 0 }),
    errors: Type.Number({ minimum: 0 }),
    errorRatio: Type.Number({ minimum: 0, maximum: 1 }),
    p95Seconds: Nullable(Type.Number({ minimum: 0 })),
  },
  { title: 'VendorApiStats', description: "How a vendor's admin API has answered the organisation's connections since the collector started" },
);
export type VendorApiStats = Static<typeof VendorApiStats>;

export const PrometheusText = TextBody(['text/plain; version=0.0.4; charset=utf-8'], 'Every metric in the Prometheus text exposition format');
export const OpenMetricsHistory = TextBody(['application/openmetrics-text; version=1.0.0; charset=utf-8'], 'Counters and gauges over past hours, as OpenMetrics for promtool tsdb create-blocks-from openmetrics');


import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OtelSink } from './otel-sink';

/**
 * Pushes the catalogue's metrics over OTLP/HTTP to `<endpoint>/v1/metrics` every
 * `intervalMs`, through the OTel SDK, beside the /metrics that Prometheus scrapes.
 */
export function otlpMetricsPush(opts: { endpoint: string; intervalMs: number; serviceName: string; limits?: ReadonlyMap<string, number> }): OtelSink {
  const exporter = new OTLPMetricExporter({ url: `${opts.endpoint.replace(/\/$/, '')}/v1/metrics` });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: opts.intervalMs, exportTimeoutMillis: Math.min(30_000, opts.intervalMs) });
  return new OtelSink([reader], { serviceName: opts.serviceName, ...(opts.limits ? { limits: opts.limits } : {}) });
}

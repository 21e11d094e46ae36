import { SeverityNumber, type Logger as OtelLogger } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { BatchWriter } from '../stores/clickhouse/batch-writer';
import { VERSION } from '../version';
import { ClickHouseLogExporter } from './clickhouse-exporter';

type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * What the collector did, as OpenTelemetry log records: poll runs, vendor errors, health
 * changes and cost alerts. They land in ClickHouse's otel_logs (for Grafana) and, when an
 * OTLP endpoint is configured, go there too. Operational chatter stays in pino.
 */
export class ActivityLog {
  constructor(private readonly logger: OtelLogger | null) {}

  pollRun(e: { organizationId: string; connectionId: string; vendor: string; rows: number; pages: number; durationMs: number }): void {
    this.emit('ai_arm.poll.run', SeverityNumber.INFO, `polled ${e.vendor}: ${e.rows} rows in ${e.pages} pages`, { ...this.org(e.organizationId), 'ai_arm.connection.id': e.connectionId, 'gen_ai.provider.name': e.vendor.toLowerCase(), 'ai_arm.rows': e.rows, 'ai_arm.pages': e.pages, 'ai_arm.duration_ms': e.durationMs });
  }

  vendorError(e: { organizationId: string; connectionId: string; vendor: string; task: string; error: string }): void {
    this.emit('ai_arm.vendor.error', SeverityNumber.ERROR, `${e.vendor} ${e.task} failed: ${e.error}`, { ...this.org(e.organizationId), 'ai_arm.connection.id': e.connectionId, 'gen_ai.provider.name': e.vendor.toLowerCase(), 'ai_arm.task': e.task, 'error.message': e.error });
  }

  healthChanged(e: { organizationId: string; agentId: string; vendor: string; from: string; to: string; error: string | null }): void {
    const severity = e.to === 'DOWN' ? SeverityNumber.ERROR : e.to === 'DEGRADED' ? SeverityNumber.WARN : SeverityNumber.INFO;
    this.emit('ai_arm.agent.health_changed', severity, `agent ${e.agentId} went from ${e.from} to ${e.to}${e.error ? `: ${e.error}` : ''}`, { ...this.org(e.organizationId), 'gen_ai.agent.id': e.agentId, 'gen_ai.provider.name': e.vendor.toLowerCase(), 'ai_arm.health.from': e.from, 'ai_arm.health.to': e.to, 'error.message': e.error ?? undefined });
  }

  costAlert(e: { organizationId: string; name: string; alertType: string; firing: boolean; actual: string; message: string }): void {
    this.emit('ai_arm.cost.alert', e.firing ? SeverityNumber.WARN : SeverityNumber.INFO, `${e.firing ? 'firing' : 'resolved'}: ${e.message}`, { ...this.org(e.organizationId), 'ai_arm.alert.name': e.name, 'ai_arm.alert.type': e.alertType.toLowerCase(), 'ai_arm.alert.firing': e.firing, 'ai_arm.cost.usd': e.actual });
  }

  private org(organizationId: string): Attrs {
    return { 'ai_arm.organization.id': organizationId };
  }

  private emit(eventName: string, severityNumber: SeverityNumber, body: string, attributes: Attrs): void {
    this.logger?.emit({ eventName, severityNumber, severityText: SeverityNumber[severityNumber], body, attributes: Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean> });
  }
}

/** Records go nowhere: for tools and tests that do not look at them. */
export const NO_ACTIVITY = new ActivityLog(null);

/** The log pipeline: ClickHouse always, OTLP/HTTP when `otlpEndpoint` is set. */
export function openActivityLog(opts: { writer: BatchWriter; serviceName: string; otlpEndpoint: string | null }): { activity: ActivityLog; shutdown(): Promise<void> } {
  const processors: LogRecordProcessor[] = [new SimpleLogRecordProcessor({ exporter: new ClickHouseLogExporter(opts.writer) })];
  if (opts.otlpEndpoint) processors.push(new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/logs` }) }));
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': opts.serviceName, 'service.version': VERSION }), processors });
  return { activity: new ActivityLog(provider.getLogger('ai-arm-collector', VERSION)), shutdown: () => provider.shutdown() };
}

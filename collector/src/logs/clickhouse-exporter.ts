import type { HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { BatchWriter } from '../stores/clickhouse/batch-writer';

const NO_ORG = '00000000-0000-0000-0000-000000000000';

/** An OTel [seconds, nanoseconds] time as ClickHouse DateTime64(9) text, without passing through a float. */
const nanoText = ([seconds, nanos]: HrTime) => `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${String(nanos).padStart(9, '0')}`;

const flat = (attrs: Record<string, unknown>) => Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));

/**
 * Writes OTel log records into ClickHouse's otel_logs through the batch writer, which owns
 * batching, retries and the flush at shutdown; so this exporter hands rows over and is done.
 */
export class ClickHouseLogExporter implements LogRecordExporter {
  constructor(private readonly writer: BatchWriter) {}

  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    try {
      this.writer.write(
        'otel_logs',
        logs.map((r) => {
          const attributes = flat(r.attributes as Record<string, unknown>);
          return {
            OrganizationId: attributes['ai_arm.organization.id'] ?? NO_ORG,
            Timestamp: nanoText(r.hrTime),
            ObservedTimestamp: nanoText(r.hrTimeObserved),
            TraceId: r.spanContext?.traceId ?? '',
            SpanId: r.spanContext?.spanId ?? '',
            TraceFlags: r.spanContext?.traceFlags ?? 0,
            SeverityText: r.severityText ?? '',
            SeverityNumber: r.severityNumber ?? 0,
            ServiceName: String(r.resource.attributes['service.name'] ?? ''),
            EventName: r.eventName ?? '',
            Body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ''),
            ResourceAttributes: flat(r.resource.attributes as Record<string, unknown>),
            ScopeName: r.instrumentationScope.name,
            LogAttributes: attributes,
          };
        }),
      );
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async forceFlush(): Promise<void> {
    await this.writer.flush('otel_logs');
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

-- The collector's OpenTelemetry log records (poll runs, vendor errors, health changes, cost
-- alerts), in the column layout of the OpenTelemetry Collector's ClickHouse exporter so that
-- Grafana's ClickHouse data source reads it as an OTel logs table. OrganizationId scopes
-- every record, like every other row.

CREATE TABLE IF NOT EXISTS {db:Identifier}.otel_logs (
  OrganizationId UUID,
  Timestamp DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
  ObservedTimestamp DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
  TraceId String CODEC(ZSTD(1)),
  SpanId String CODEC(ZSTD(1)),
  TraceFlags UInt8,
  SeverityText LowCardinality(String),
  SeverityNumber UInt8,
  ServiceName LowCardinality(String),
  EventName LowCardinality(String),
  Body String CODEC(ZSTD(1)),
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ScopeName String,
  LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1))
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (OrganizationId, ServiceName, EventName, Timestamp)
TTL toDateTime(Timestamp) + INTERVAL 30 DAY;

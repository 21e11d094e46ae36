-- Health probe results, one row per check. Re-delivered rows (same id) collapse in
-- ReplacingMergeTree; read with FINAL or aggregate by id.
-- Every statement here must be idempotent (IF NOT EXISTS): ClickHouse DDL has no transactions.

CREATE TABLE IF NOT EXISTS {db:Identifier}.agent_health_checks (
  organization_id UUID,
  agent_id UUID,
  id UUID,
  timestamp DateTime64(3, 'UTC'),
  status LowCardinality(String),
  latency_ms Float64,
  error_rate Float32,
  details String CODEC(ZSTD(1)),
  inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (organization_id, agent_id, timestamp, id)
TTL toDateTime(timestamp) + INTERVAL 400 DAY;

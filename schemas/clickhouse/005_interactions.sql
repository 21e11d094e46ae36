-- One row per GenAI request an agent made, pushed as OTLP spans or log events or through
-- POST /api/v1/ingest/interactions. Re-delivery is idempotent: a row sent again has the same
-- sorting key (its agent, start and id) and replaces the earlier one; read with FINAL.
-- Organisation first, so every tenant read is a prefix range. The TTL is set at start from
-- ARM_INTERACTIONS_TTL_DAYS (ALTER TABLE ... MODIFY TTL), so the file does not change with it.

CREATE TABLE IF NOT EXISTS {db:Identifier}.interactions (
  organization_id UUID,
  agent_id UUID,
  -- The client's id (ingest API) or trace id and span id (OTLP): the idempotency key.
  id String,
  source LowCardinality(String),
  started_at DateTime64(6, 'UTC') CODEC(Delta, ZSTD(1)),
  duration_ms Float64,
  ttft_ms Nullable(Float64),
  provider LowCardinality(String),
  operation LowCardinality(String),
  request_model LowCardinality(String),
  response_model LowCardinality(String),
  version_fingerprint FixedString(64),
  input_tokens UInt64,
  output_tokens UInt64,
  cache_read_tokens UInt64,
  cache_write_tokens UInt64,
  -- Priced at ingest with the organisation's price book; null when the model is not in it.
  cost_usd Nullable(Decimal(38, 12)),
  status LowCardinality(String),
  error_type LowCardinality(String),
  conversation_id String,
  trace_id String,
  span_id String,
  -- Masked message content, stored only when the organisation turned content capture on; else ''.
  content String CODEC(ZSTD(3)),
  attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  ingested_at DateTime64(3, 'UTC'),
  INDEX conversation conversation_id TYPE bloom_filter(0.01) GRANULARITY 4
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (organization_id, agent_id, started_at, id);

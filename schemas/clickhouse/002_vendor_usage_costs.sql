-- Usage and billed cost at each vendor's own grain, with the vendor's ids. Attribution to
-- agents happens at query time. A bucket polled again (trailing window, restart, revision)
-- replaces its earlier rows: same sorting key, newer polled_at. Read with FINAL.

CREATE TABLE IF NOT EXISTS {db:Identifier}.vendor_usage (
  organization_id UUID,
  connection_id UUID,
  vendor LowCardinality(String),
  bucket_start DateTime('UTC'),
  bucket_width LowCardinality(String),
  project_id String,
  api_key_id String,
  model LowCardinality(String),
  operation LowCardinality(String),
  service_tier LowCardinality(String),
  context_window LowCardinality(String),
  requests UInt64,
  input_tokens UInt64,
  cache_read_tokens UInt64,
  cache_write_5m_tokens UInt64,
  cache_write_1h_tokens UInt64,
  output_tokens UInt64,
  polled_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(polled_at)
PARTITION BY toYYYYMM(bucket_start)
ORDER BY (organization_id, connection_id, vendor, bucket_width, bucket_start, project_id, api_key_id, model, operation, service_tier, context_window);

CREATE TABLE IF NOT EXISTS {db:Identifier}.vendor_costs (
  organization_id UUID,
  connection_id UUID,
  vendor LowCardinality(String),
  day Date,
  project_id String,
  api_key_id String,
  line_item String,
  model LowCardinality(String),
  token_type LowCardinality(String),
  service_tier LowCardinality(String),
  context_window LowCardinality(String),
  amount_usd Decimal(38, 12),
  polled_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(polled_at)
PARTITION BY toYYYYMM(day)
ORDER BY (organization_id, connection_id, vendor, day, project_id, api_key_id, line_item, model, token_type, service_tier, context_window);

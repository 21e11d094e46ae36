-- The context vault (issue 21): what agents learnt, one row per item version. An edit, a merge
-- or a supersede writes the item again with a higher version; ReplacingMergeTree keeps the newest
-- (read with FINAL); a delete writes it with deleted = 1. Vectors live in tables of their own, one
-- per embedding model and dimension (009), so 384-d and 1536-d vectors never share an index.

CREATE TABLE IF NOT EXISTS {db:Identifier}.context_items (
  organization_id UUID,
  agent_id UUID,
  id UUID,
  type LowCardinality(String),
  content String CODEC(ZSTD(3)),
  -- What a PREFERENCE or INSTRUCTION is about; '' for none.
  key String,
  -- sha256 of the normalised content, agent, type, key and user: equal items are merged on it.
  content_hash FixedString(64),
  confidence Float64,
  source_type LowCardinality(String),
  interaction_id String,
  extractor LowCardinality(String),
  imported_from String,
  user_id String,
  valid_from DateTime64(3, 'UTC'),
  valid_until Nullable(DateTime64(3, 'UTC')),
  tags Array(String),
  superseded_by String,
  merged_count UInt32,
  metadata String CODEC(ZSTD(1)),
  created_at DateTime64(3, 'UTC'),
  updated_at DateTime64(3, 'UTC'),
  deleted UInt8,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (organization_id, agent_id, id);

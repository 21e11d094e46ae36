-- A policy matched a pushed interaction (or an evaluation asked to be recorded). The id is
-- derived from the organisation, the interaction, the policy and its version, so a re-delivered
-- interaction writes the same row again and ReplacingMergeTree keeps one; read with FINAL.
-- Reviews are a person's decision and live in Postgres (violation_reviews), beside the audit chain.
-- Kept as long as the interactions (ARM_INTERACTIONS_TTL_DAYS), set at start like theirs.

CREATE TABLE IF NOT EXISTS {db:Identifier}.policy_violations (
  organization_id UUID,
  occurred_at DateTime64(3, 'UTC'),
  id UUID,
  policy_id UUID,
  policy_version UInt32,
  policy_name String,
  enforcement LowCardinality(String),
  severity LowCardinality(String),
  action LowCardinality(String),
  agent_id Nullable(UUID),
  interaction_id String,
  source LowCardinality(String),
  -- ViolationMatch[] as JSON: fields, offsets, masked excerpts (empty without content capture).
  matches String CODEC(ZSTD(1)),
  ingested_at DateTime64(3, 'UTC'),
  INDEX by_id id TYPE bloom_filter(0.01) GRANULARITY 4
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (organization_id, occurred_at, id);

-- What the governance evaluator did to an interaction: '' (allowed), 'warn' or 'block'.
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS policy_action LowCardinality(String) DEFAULT '' AFTER status;

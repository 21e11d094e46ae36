-- Quality (issue 20). Signals derived from each pushed interaction's content at ingest, whether
-- or not the organisation keeps the content itself: whether the answer declined the task, its
-- length, a keyed hash of the prompt (answers to the same prompt are compared for consistency)
-- and a 64-bit simhash of the answer (how far two answers diverge). None of them gives the text back.
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS refusal UInt8 DEFAULT 0 AFTER content;
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS output_chars UInt32 DEFAULT 0 AFTER refusal;
-- 1 when the interaction carried answer text (refusal and output_chars mean something); 0 otherwise.
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS has_answer UInt8 DEFAULT 0 AFTER output_chars;
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS prompt_key String DEFAULT '' AFTER has_answer;
ALTER TABLE {db:Identifier}.interactions ADD COLUMN IF NOT EXISTS answer_simhash UInt64 DEFAULT 0 AFTER prompt_key;

-- Feedback on an agent's answers, from applications and people. The id is the client's (or a
-- random one), so a re-sent feedback replaces itself.
CREATE TABLE IF NOT EXISTS {db:Identifier}.quality_feedback (
  organization_id UUID,
  agent_id UUID,
  id String,
  interaction_id String,
  rating Nullable(UInt8),
  label LowCardinality(String),
  comment String CODEC(ZSTD(1)),
  source LowCardinality(String),
  author String,
  created_at DateTime64(3, 'UTC'),
  ingested_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (organization_id, agent_id, id);

-- One drift found by the quality monitor. The id is derived from the organisation, the agent, the
-- metric and the start of the current window, so a monitor run repeated (or run on two replicas)
-- stores one event.
CREATE TABLE IF NOT EXISTS {db:Identifier}.drift_events (
  organization_id UUID,
  agent_id UUID,
  id UUID,
  detected_at DateTime64(3, 'UTC'),
  metric LowCardinality(String),
  method LowCardinality(String),
  baseline_value Float64,
  current_value Float64,
  deviation Float64,
  psi Nullable(Float64),
  direction LowCardinality(String),
  baseline_from DateTime64(3, 'UTC'),
  baseline_to DateTime64(3, 'UTC'),
  baseline_samples UInt64,
  current_from DateTime64(3, 'UTC'),
  current_to DateTime64(3, 'UTC'),
  current_samples UInt64,
  version Nullable(UInt32),
  version_changed UInt8,
  samples Array(String),
  ingested_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(detected_at)
ORDER BY (organization_id, agent_id, detected_at, id);

-- Grounding checks: asked for (POST /api/v1/quality/:agentId/evaluate) or run on sampled pushed
-- interactions that carry retrieved context. The response text is kept only with content capture on.
CREATE TABLE IF NOT EXISTS {db:Identifier}.grounding_checks (
  organization_id UUID,
  agent_id UUID,
  id UUID,
  interaction_id String,
  checked_at DateTime64(3, 'UTC'),
  method LowCardinality(String),
  verdict LowCardinality(String),
  score Float64,
  -- GroundedClaim[] as JSON (claim text only with content capture on).
  claims String CODEC(ZSTD(1)),
  response String CODEC(ZSTD(3)),
  ingested_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(checked_at)
ORDER BY (organization_id, agent_id, checked_at, id);

-- The context vault's vectors (issue 21): one table and one vector_similarity (HNSW) index per
-- embedding model and dimension, so vectors of two models are never compared. A row is one
-- version of an item's vector with the item's search filters beside it; a filter change (type,
-- user, validity, supersede, delete) writes the row again with a higher version and the same
-- embedding, a content change writes a new embedding. ReplacingMergeTree keeps the newest at
-- merges; searches do not read with FINAL (it turns the index off and costs ~30x: measured), so
-- they check every hit against context_items FINAL (its content hash and filters) instead.
--
-- PARTITION BY (organization_id, agent_id): a part's HNSW graph holds one agent's vectors, so
-- the organisation and agent filters pick the graphs to search before the index runs; a graph
-- shared by everyone would answer with other tenants' neighbours, filtered away afterwards.
-- user_id follows in ORDER BY: a user's items are one primary-key range, searched exactly.
-- When an item's user changes, the row under the old key is written again with deleted = 1.
-- Index: bf16 codes, 16 links per node, ef_construction 64: recall@10 0.99 of exact search at
-- half the build time of the defaults (f32 / 32 / 128), measured on 50k 384-d vectors.

CREATE TABLE IF NOT EXISTS {db:Identifier}.context_vectors_minilm_l6_v2_384 (
  organization_id UUID,
  agent_id UUID,
  user_id String,
  item_id UUID,
  type LowCardinality(String),
  valid_from DateTime64(3, 'UTC'),
  valid_until Nullable(DateTime64(3, 'UTC')),
  superseded UInt8,
  deleted UInt8,
  -- sha256 of the text embedded: a filter change keeps the vector, a content change embeds again.
  text_hash FixedString(64),
  version UInt64,
  embedding Array(Float32),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', 384, 'bf16', 16, 64)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY (organization_id, agent_id)
ORDER BY (organization_id, agent_id, user_id, item_id);

-- OpenAI text-embedding-3-small (1536 dimensions).
CREATE TABLE IF NOT EXISTS {db:Identifier}.context_vectors_openai_te3s_1536 (
  organization_id UUID,
  agent_id UUID,
  user_id String,
  item_id UUID,
  type LowCardinality(String),
  valid_from DateTime64(3, 'UTC'),
  valid_until Nullable(DateTime64(3, 'UTC')),
  superseded UInt8,
  deleted UInt8,
  text_hash FixedString(64),
  version UInt64,
  embedding Array(Float32),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', 1536, 'bf16', 16, 64)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY (organization_id, agent_id)
ORDER BY (organization_id, agent_id, user_id, item_id);

-- OpenAI text-embedding-ada-002 (1536 dimensions, another model: a table of its own).
CREATE TABLE IF NOT EXISTS {db:Identifier}.context_vectors_openai_ada002_1536 (
  organization_id UUID,
  agent_id UUID,
  user_id String,
  item_id UUID,
  type LowCardinality(String),
  valid_from DateTime64(3, 'UTC'),
  valid_until Nullable(DateTime64(3, 'UTC')),
  superseded UInt8,
  deleted UInt8,
  text_hash FixedString(64),
  version UInt64,
  embedding Array(Float32),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', 1536, 'bf16', 16, 64)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY (organization_id, agent_id)
ORDER BY (organization_id, agent_id, user_id, item_id);

-- OpenAI text-embedding-3-large (3072 dimensions).
CREATE TABLE IF NOT EXISTS {db:Identifier}.context_vectors_openai_te3l_3072 (
  organization_id UUID,
  agent_id UUID,
  user_id String,
  item_id UUID,
  type LowCardinality(String),
  valid_from DateTime64(3, 'UTC'),
  valid_until Nullable(DateTime64(3, 'UTC')),
  superseded UInt8,
  deleted UInt8,
  text_hash FixedString(64),
  version UInt64,
  embedding Array(Float32),
  INDEX embedding_hnsw embedding TYPE vector_similarity('hnsw', 'cosineDistance', 3072, 'bf16', 16, 64)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY (organization_id, agent_id)
ORDER BY (organization_id, agent_id, user_id, item_id);

-- The keyword half of search: an inverted index of the items' words (lowercased, cut at ASCII
-- punctuation and spaces), so hasAnyTokens reads only the granules holding a query's words.
ALTER TABLE {db:Identifier}.context_items ADD INDEX IF NOT EXISTS content_words content TYPE text(tokenizer = splitByNonAlpha, preprocessor = lower(content));

/**
 * Where each embedding model's vectors live: one ClickHouse table (and HNSW index) per model and
 * dimension (migration 009), so a 384-d MiniLM vector is never compared with a 1536-d OpenAI one,
 * nor text-embedding-3-small's with ada-002's of the same size.
 */
export const VECTOR_TABLES: Readonly<Record<string, { table: string; dimensions: number }>> = {
  'all-MiniLM-L6-v2': { table: 'context_vectors_minilm_l6_v2_384', dimensions: 384 },
  'text-embedding-3-small': { table: 'context_vectors_openai_te3s_1536', dimensions: 1536 },
  'text-embedding-ada-002': { table: 'context_vectors_openai_ada002_1536', dimensions: 1536 },
  'text-embedding-3-large': { table: 'context_vectors_openai_te3l_3072', dimensions: 3072 },
};

/** The table of a model's vectors; a model without one (or with other dimensions) is refused. */
export function vectorTable(model: string, dimensions: number): string {
  const t = VECTOR_TABLES[model];
  if (!t) throw new Error(`no vector table for embedding model ${model}`);
  if (t.dimensions !== dimensions) throw new Error(`embedding model ${model} gives ${dimensions} dimensions; its table holds ${t.dimensions}`);
  return t.table;
}

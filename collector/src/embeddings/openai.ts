import OpenAI from 'openai';
import type { Embedder } from './embedder';

/** OpenAI's embedding models this build stores vectors of, with their dimensions (each has its own ClickHouse table). */
export const OPENAI_EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-ada-002': 1536,
  'text-embedding-3-large': 3072,
};

export interface OpenAiEmbedderTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
}

export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
}

/** Texts per request: the API takes up to 2048 inputs; smaller batches keep one failure cheap. */
const BATCH = 256;

/**
 * An organisation's OpenAI embedding model, called through the official SDK at its connection's
 * base URL (the simulator's in demos and tests) with the connection's key. Vendor errors become
 * EmbeddingErrors naming the status, with the key taken out of the message.
 */
export function openAiEmbedder(target: OpenAiEmbedderTarget): Embedder {
  const dimensions = OPENAI_EMBEDDING_MODELS[target.model];
  if (!dimensions) throw new EmbeddingError(`embedding model ${target.model} is not one of ${Object.keys(OPENAI_EMBEDDING_MODELS).join(', ')}`);
  const client = new OpenAI({ apiKey: target.apiKey, baseURL: target.baseUrl, maxRetries: 1, timeout: target.timeoutMs ?? 30_000 });
  return {
    model: target.model,
    dimensions,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const chunk = texts.slice(i, i + BATCH);
        let reply: OpenAI.CreateEmbeddingResponse;
        try {
          reply = await client.embeddings.create({ model: target.model, input: chunk });
        } catch (err) {
          const e = err as Error & { status?: number };
          throw new EmbeddingError(`the embedding model failed: ${e.status ? `${e.status} ` : ''}${e.message.split(target.apiKey).join('[key]').slice(0, 200)}`);
        }
        const rows = [...reply.data].sort((a, b) => a.index - b.index);
        if (rows.length !== chunk.length) throw new EmbeddingError(`the embedding model answered ${rows.length} vectors for ${chunk.length} texts`);
        for (const r of rows) {
          const v = Float32Array.from(r.embedding as ArrayLike<number>);
          if (v.length !== dimensions) throw new EmbeddingError(`the embedding model answered ${v.length} dimensions, not ${dimensions}`);
          out.push(v);
        }
      }
      return out;
    },
  };
}

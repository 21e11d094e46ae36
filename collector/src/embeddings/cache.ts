import { createHash } from 'node:crypto';
import type { Embedder } from './embedder';

/** A vector depends on the text alone: the same answer under two ids is embedded once. */
const textKey = (text: string) => createHash('sha256').update(text).digest('base64');

/**
 * An embedder that remembers the vectors of the texts it was given (by a hash of the text; the
 * callers' keys, e.g. an interaction's id, name the items): drift checks re-read mostly the same baseline answers run after run, and each costs tens
 * of milliseconds to embed. Least recently used keys are forgotten past `capacity`
 * (384 floats = 1.5 KB each).
 */
export function cachedEmbedder(inner: Embedder, capacity = 20_000) {
  const vectors = new Map<string, Float32Array>();
  return {
    model: inner.model,
    dimensions: inner.dimensions,
    embed: (texts: string[]) => inner.embed(texts),
    /** Vectors of the items' texts, in order, embedding only texts not remembered (each once). */
    async embedKeyed(items: readonly { key: string; text: string }[]): Promise<Float32Array[]> {
      const keys = items.map((i) => textKey(i.text));
      const missing = [...new Map(items.map((i, n) => [keys[n]!, i.text])).entries()].filter(([k]) => !vectors.has(k));
      if (missing.length > 0) {
        const fresh = await inner.embed(missing.map(([, text]) => text));
        missing.forEach(([k], i) => vectors.set(k, fresh[i]!));
      }
      const out = keys.map((k) => {
        const v = vectors.get(k)!;
        vectors.delete(k);
        vectors.set(k, v);
        return v;
      });
      while (vectors.size > capacity) vectors.delete(vectors.keys().next().value!);
      return out;
    },
  };
}

import type { Embedder } from './embedder';

/**
 * An embedder that remembers the vectors of texts it was given under a key (e.g. an interaction's
 * id): drift checks re-read mostly the same baseline answers run after run, and each costs tens
 * of milliseconds to embed. Least recently used keys are forgotten past `capacity`
 * (384 floats = 1.5 KB each).
 */
export function cachedEmbedder(inner: Embedder, capacity = 20_000) {
  const vectors = new Map<string, Float32Array>();
  return {
    model: inner.model,
    dimensions: inner.dimensions,
    embed: (texts: string[]) => inner.embed(texts),
    /** Vectors of keyed texts, embedding only the keys not remembered. */
    async embedKeyed(items: readonly { key: string; text: string }[]): Promise<Float32Array[]> {
      const missing = items.filter((i) => !vectors.has(i.key));
      if (missing.length > 0) {
        const fresh = await inner.embed(missing.map((m) => m.text));
        missing.forEach((m, i) => vectors.set(m.key, fresh[i]!));
      }
      const out = items.map((i) => {
        const v = vectors.get(i.key)!;
        vectors.delete(i.key);
        vectors.set(i.key, v);
        return v;
      });
      while (vectors.size > capacity) vectors.delete(vectors.keys().next().value!);
      return out;
    },
  };
}
